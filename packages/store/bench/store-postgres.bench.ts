// Intervals/s into a real PostgreSQL (throw-away server, or WATTSTREAM_TEST_PG_URL): the sink vs a prepared statement per
// row vs multi-row INSERT (see storeBench.ts).
import { storeBench } from "./storeBench.ts";

export default storeBench("postgres");
