// The failure path of parseDeviceId: building an InvalidIdError with its reason (a regexp, a case fold and a
// stack trace) against the RegExp test that can only say "no". No target: failures are rare and each one is an
// error to report, but the cost is printed so nobody puts parseDeviceId in a hot filtering loop (use isDeviceId).
import { defineBench } from "../../../tools/bench/defineBench.ts";
import { InvalidIdError, isDeviceId, parseDeviceId } from "../src/index.js";

const N = 1000;
const CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
let seed = 42;
const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
const invalid = Array.from({ length: N }, (_, i) => {
  const id = "BDEF"[next() % 4]! + Array.from({ length: 12 }, () => CHARS[next() % 36]).join("");
  return i % 2 === 0 ? id.toLowerCase() : id.slice(1);
});
const RE = /^[BDEF][A-Z0-9]{12}$/;

export default defineBench({
  name: "core: parseDeviceId on invalid input (reason computed) vs RegExp",
  baseline: "RegExp.test",
  tasks: {
    "RegExp.test": {
      batch: N,
      fn: () => {
        let bad = 0;
        for (const id of invalid) if (!RE.test(id)) bad++;
        if (bad !== N) throw new Error("baseline accepted an invalid ID");
      },
    },
    isDeviceId: {
      batch: N,
      fn: () => {
        let bad = 0;
        for (const id of invalid) if (!isDeviceId(id)) bad++;
        if (bad !== N) throw new Error("guard accepted an invalid ID");
      },
    },
    "parseDeviceId (throws with reason)": {
      batch: N,
      fn: () => {
        let n = 0;
        for (const id of invalid)
          try {
            parseDeviceId(id);
          } catch (e) {
            if (e instanceof InvalidIdError) n++;
          }
        if (n !== N) throw new Error("accepted an invalid ID");
      },
    },
  },
});
