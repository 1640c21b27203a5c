// The keyed diff + structural sharing of one device snapshot (6 channels, 3 switches) against microdiff and
// jsondiffpatch on the same pair. The typical poll: the heartbeat moved and one switch changed state.
// Target: diffDevice at least as fast as microdiff while producing keyed, typed events and a shared snapshot.
import { create } from "jsondiffpatch";
import microdiff from "microdiff";
import { defineBench } from "../../../tools/bench/defineBench.ts";
import { diffDevice } from "../src/index.ts";
import { asDevice, makeDevice } from "../test/fixtures/device.ts";

const BATCH = 100;
const prev = makeDevice();
const next = makeDevice();
next.comms.lastHeardAt += 30;
next.switches[1]!["state"] = "open";
const same = makeDevice(); // equal values, other objects: a full walk that finds nothing
const prevDevice = asDevice(prev);
const nextDevice = asDevice(next);
const sameDevice = asDevice(same);
const jdp = create({ objectHash: (o: object, i?: number) => (o as { id?: string }).id ?? String(i) });

export default defineBench({
  name: "rx: keyed device diff (6 channels, 3 switches)",
  baseline: "microdiff",
  minRatio: 1,
  targetTasks: ["diffDevice (keyed, typed events, structural sharing)"],
  tasks: {
    microdiff: {
      batch: BATCH,
      fn: () => {
        for (let i = 0; i < BATCH; i++) microdiff(prev, next);
      },
    },
    jsondiffpatch: {
      batch: BATCH,
      fn: () => {
        for (let i = 0; i < BATCH; i++) jdp.diff(prev, next);
      },
    },
    "diffDevice (keyed, typed events, structural sharing)": {
      batch: BATCH,
      fn: () => {
        for (let i = 0; i < BATCH; i++) diffDevice(prevDevice, nextDevice);
      },
    },
    "diffDevice, nothing changed": {
      batch: BATCH,
      fn: () => {
        for (let i = 0; i < BATCH; i++) diffDevice(prevDevice, sameDevice);
      },
    },
  },
});
