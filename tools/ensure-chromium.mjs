// Makes sure Debian's Chromium is present for the dashboard's browser test, so that `npm install && npm test`
// does all its own set-up on a fresh machine. npm cannot ship a browser here (downloads of browser builds are
// blocked), so this uses the system package manager when it can, and otherwise says exactly what to install.
// apt's output goes to a log file: the test run shows one line (and the log's tail if the install fails).
import { execFileSync } from "node:child_process";
import { existsSync, openSync, closeSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const executable = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(executable)) process.exit(0);

const canApt = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
if (!canApt) {
  console.error(
    `Chromium not found at ${executable}. Install Debian's "chromium" package (apt-get install chromium) ` +
      "or set CHROMIUM_PATH to a Chromium executable; the dashboard's end-to-end test needs it.",
  );
  process.exit(1);
}
const log = join(tmpdir(), "wattstream-chromium-install.log");
const started = Date.now();
// One line: its start now, its end when apt is done.
process.stderr.write(`Chromium not found at ${executable}: installing Debian's chromium package (apt log: ${log})… `);
const fd = openSync(log, "w");
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
try {
  execFileSync("apt-get", ["update", "-qq"], { stdio: ["ignore", fd, fd], env });
  execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: ["ignore", fd, fd], env });
} catch (error) {
  closeSync(fd);
  const tail = readFileSync(log, "utf8").trimEnd().split("\n").slice(-20).join("\n");
  console.error(`failed.\n${tail}\napt-get failed (${error.message.split("\n")[0]}); the whole log is in ${log}.`);
  process.exit(1);
}
closeSync(fd);
if (!existsSync(executable)) {
  console.error(`done, but ${executable} is still missing (apt log: ${log}).`);
  process.exit(1);
}
console.error(`done in ${Math.round((Date.now() - started) / 1000)} s.`);
