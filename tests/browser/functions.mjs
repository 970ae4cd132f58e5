// The example functions (examples/src/bin/*.rs) served by `cargo lambda watch --disable-cors`, as
// README's run command and ./scripts/run-local serve them: --disable-cors keeps cargo lambda from
// answering preflights and adding permissive CORS headers itself, so the browsers judge ours.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import https from "node:https";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function requireCargoLambda() {
  try {
    execFileSync("cargo", ["lambda", "--version"], { stdio: "ignore" });
  } catch {
    assert.fail("cargo-lambda is missing: pip install cargo-lambda (./scripts/install-test-tools installs it)");
  }
}

// Starts `cargo lambda watch` on 127.0.0.1:`port` with `env` added to this process's environment
// (cargo lambda passes its environment to the functions; its --env-var splits on commas, so the origin
// lists travel this way).
export function startFunctions({ root, port, env }) {
  const watch = spawn(
    "cargo",
    ["lambda", "watch", "--disable-cors", "--invoke-address", "127.0.0.1",
      "--invoke-port", String(port), "-p", "cors-examples"],
    {
      cwd: root,
      // Its own process group, so stopping it also stops the functions it spawned.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    },
  );
  let log = "";
  for (const stream of [watch.stdout, watch.stderr]) {
    stream.on("data", (chunk) => {
      log = (log + chunk).slice(-20_000);
    });
  }
  return {
    log: () => log,
    stop() {
      if (!watch.pid) return;
      try {
        process.kill(-watch.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    },
  };
}

// GET `url` (http, or https trusting `ca`) and resolve to its status; rejects when nothing answers.
function status(url, ca) {
  if (url.startsWith("http:")) return fetch(url).then((response) => response.status);
  return new Promise((resolve, reject) => {
    https.get(url, { ca }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on("error", reject);
  });
}

// Waits until `url` answers below 500 (the first request to each function spawns its process, and
// cargo lambda answers 5xx until it is up).
export async function waitFor(url, { deadline, ca, log }) {
  let last;
  while (Date.now() < deadline) {
    try {
      const code = await status(url, ca);
      if (code < 500) return;
      last = `status ${code}`;
    } catch (error) {
      last = String(error.cause ?? error);
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer: ${last}\n--- cargo lambda watch ---\n${log().slice(-4000)}`);
}
