// Makes sure Debian's Chromium is present for the dashboard's browser test, so that `npm install && npm test`
// does all its own set-up on a fresh machine. npm cannot ship a browser here (downloads of browser builds are
// blocked), so this uses the system package manager when it can, and otherwise says exactly what to install.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

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
console.error(`Chromium not found at ${executable}: installing Debian's chromium package…`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env });
if (!existsSync(executable)) {
  console.error(`apt-get finished but ${executable} is still missing.`);
  process.exit(1);
}
