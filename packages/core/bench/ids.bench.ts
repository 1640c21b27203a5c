// parseDeviceId throughput on valid IDs against the plain anchored RegExp test it replaces (target ≥ 0.8×): the
// parser must stay about as fast while also giving a reason on failure. The failure path is measured in its own
// file (ids-invalid.bench.ts): tinybench warms every task of a file up before measuring, and warming the throwing
// path up in the same file deoptimises the valid path mid-run (≈ 1.4–2.0× became ≈ 0.9× here).
import { defineBench } from "../../../tools/bench/defineBench.ts";
import { isDeviceId, parseDeviceId } from "../src/index.js";

const N = 1000;
const CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
// Deterministic pseudo-random IDs (no Math.random: same inputs every run).
let seed = 42;
const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
const ids = Array.from(
  { length: N },
  () => "BDEF"[next() % 4]! + Array.from({ length: 12 }, () => CHARS[next() % 36]).join(""),
);
const RE = /^[BDEF][A-Z0-9]{12}$/;

export default defineBench({
  name: "core: parseDeviceId vs anchored RegExp",
  baseline: "RegExp.test",
  minRatio: 0.8,
  targetTasks: ["parseDeviceId"],
  tasks: {
    "RegExp.test": {
      batch: N,
      fn: () => {
        let ok = 0;
        for (const id of ids) if (RE.test(id)) ok++;
        if (ok !== N) throw new Error("baseline rejected a valid ID");
      },
    },
    parseDeviceId: {
      batch: N,
      fn: () => {
        let len = 0;
        for (const id of ids) len += parseDeviceId(id).length;
        if (len !== 13 * N) throw new Error("unexpected result");
      },
    },
    isDeviceId: {
      batch: N,
      fn: () => {
        let ok = 0;
        for (const id of ids) if (isDeviceId(id)) ok++;
        if (ok !== N) throw new Error("guard rejected a valid ID");
      },
    },
  },
});
