// Intervals/s into SQLite (node:sqlite): the sink vs a prepared statement per row vs multi-row INSERT (see storeBench.ts).
import { storeBench } from "./storeBench.ts";

export default storeBench("sqlite");
