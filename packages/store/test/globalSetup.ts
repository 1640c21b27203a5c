// One PostgreSQL server for the run, its URL provided as `pgUrl` (shared with the other PostgreSQL packages).
export { default } from "../../../tools/postgres/globalSetup.ts";
