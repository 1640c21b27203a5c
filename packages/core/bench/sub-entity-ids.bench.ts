// parseSubEntityId throughput against a plain anchored RegExp test (target ≥ 0.8×). The parser also returns the
// device ID, kind and number, which the RegExp test does not.
import { defineBench } from "../../../tools/bench/defineBench.ts";
import { isChannelId, parseSubEntityId } from "../src/index.js";

const N = 1000;
const CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
let seed = 7;
const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
const ids = Array.from(
  { length: N },
  () =>
    "BDEF"[next() % 4]! +
    Array.from({ length: 12 }, () => CHARS[next() % 36]).join("") +
    (next() % 4 === 0 ? "_S" : "_C") +
    String(1 + (next() % 12)),
);
const RE = /^[BDEF][A-Z0-9]{12}_[CS][1-9][0-9]*$/;

export default defineBench({
  name: "core: parseSubEntityId vs anchored RegExp",
  baseline: "RegExp.test",
  minRatio: 0.8,
  targetTasks: ["parseSubEntityId"],
  tasks: {
    "RegExp.test": {
      batch: N,
      fn: () => {
        let ok = 0;
        for (const id of ids) if (RE.test(id)) ok++;
        if (ok !== N) throw new Error("baseline rejected a valid ID");
      },
    },
    parseSubEntityId: {
      batch: N,
      fn: () => {
        let sum = 0;
        for (const id of ids) sum += parseSubEntityId(id).number;
        if (sum < N) throw new Error("unexpected result");
      },
    },
    isChannelId: {
      batch: N,
      fn: () => {
        let n = 0;
        for (const id of ids) if (isChannelId(id)) n++;
        if (n === 0) throw new Error("no channels");
      },
    },
  },
});
