import { sharedConfig } from "../../tools/vitest.shared.ts";

export default sharedConfig;
