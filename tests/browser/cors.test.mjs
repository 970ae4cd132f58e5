// Browser tests: a real Chromium decides whether the examples' CORS headers work.
//
// Our own tests assert header bytes; only a browser enforces CORS. These tests serve the example
// functions with `cargo lambda watch --disable-cors` (as README's run command does), serve the demo
// page (examples/demo/index.html) on one origin that is in ALLOWED_ORIGINS and one that is not, and
// press the page's buttons in headless Chromium, asserting what the browser itself decided.
//
// Why Node and playwright-core rather than a Rust CDP/WebDriver crate: playwright-core drives Debian's
// /usr/bin/chromium directly (no browser download, which fails on these machines), is one npm package
// with no native build, and keeps browser-driver crates out of the workspace, where every CI build
// would have to compile them (2-core machines). The tests still fail, never skip, when Chromium or
// cargo-lambda is missing: `scripts/test` installs both.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const page = readFileSync(path.join(root, "examples/demo/index.html"));

let apiPort;
let allowedPort;
let refusedPort;
let watch;
let watchLog = "";
const pageServers = [];
let browser;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function servePage(port) {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(page);
  });
  pageServers.push(server);
  return new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Waits until `url` answers (the first request to each function spawns its process).
async function waitFor(url, deadline) {
  let last;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(500);
  }
  throw new Error(`${url} did not answer: ${last}\n--- cargo lambda watch ---\n${watchLog.slice(-4000)}`);
}

const api = (fn) => `http://127.0.0.1:${apiPort}/lambda-url/${fn}`;

before(async () => {
  assert.ok(existsSync(chromiumPath), `Chromium not found at ${chromiumPath}: apt-get install chromium`);
  try {
    execFileSync("cargo", ["lambda", "--version"], { stdio: "ignore" });
  } catch {
    assert.fail("cargo-lambda is missing: pip install cargo-lambda (scripts/test installs it)");
  }
  execFileSync("cargo", ["build", "--locked", "-p", "cors-examples"], { cwd: root, stdio: "inherit" });

  [apiPort, allowedPort, refusedPort] = [await freePort(), await freePort(), await freePort()];
  await servePage(allowedPort);
  await servePage(refusedPort);

  watch = spawn(
    "cargo",
    ["lambda", "watch", "--disable-cors", "--invoke-address", "127.0.0.1",
      "--invoke-port", String(apiPort), "-p", "cors-examples"],
    {
      cwd: root,
      // Its own process group, so stopping it also stops the functions it spawned.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        ALLOWED_ORIGINS: `http://localhost:${allowedPort}`,
        PATTERN_ORIGINS: `https://*.example.org http://localhost:${allowedPort}`,
      },
    },
  );
  for (const stream of [watch.stdout, watch.stderr]) {
    stream.on("data", (chunk) => { watchLog += chunk; });
  }
  const deadline = Date.now() + 180_000;
  for (const fn of ["public/", "patterns/", "credentials/stats", "router/public/hello", "streaming/"]) {
    await waitFor(api(fn), deadline);
  }

  // `launch` (not a persistent context) gives Chromium a new, empty --user-data-dir every run.
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  if (watch?.pid) {
    try {
      process.kill(-watch.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
  for (const server of pageServers) server.close();
});

// Opens the demo page on `port` in a fresh browser profile (no cookies) and returns a function that
// presses one of its buttons and returns what the browser decided.
async function demo(port) {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`http://localhost:${port}/?api=${apiPort}`);
  return {
    press: (name) => tab.evaluate((button) => window.calls[button](), name),
    close: () => context.close(),
  };
}

test("from an allowed origin, the cookie round-trips and a preflighted JSON POST succeeds", async () => {
  const page = await demo(allowedPort);
  try {
    const login = await page.press("login");
    assert.equal(login.outcome, "allowed", JSON.stringify(login));
    assert.equal(login.status, 200);
    const { session } = JSON.parse(login.body);
    assert.match(session, /^s\d+$/);

    const me = await page.press("me");
    assert.equal(me.outcome, "allowed", JSON.stringify(me));
    assert.equal(me.status, 200, "the cookie set by /session came back on /me");
    assert.deepEqual(JSON.parse(me.body), { session });

    // `content-type: application/json` is not CORS-safelisted: the browser preflights this POST.
    const posted = await page.press("post-me");
    assert.equal(posted.outcome, "allowed", JSON.stringify(posted));
    assert.equal(posted.status, 200);
    assert.deepEqual(JSON.parse(posted.body), { session });
  } finally {
    await page.close();
  }
});

test("from an origin not on the list, the browser blocks the same calls", async () => {
  const page = await demo(refusedPort);
  try {
    for (const name of ["login", "me", "post-me"]) {
      const result = await page.press(name);
      assert.equal(result.outcome, "blocked", JSON.stringify(result));
    }
  } finally {
    await page.close();
  }
});

test("the public (*) API: credentialed fetch is blocked, uncredentialed succeeds", async () => {
  const page = await demo(allowedPort);
  try {
    const credentialed = await page.press("public-credentialed");
    assert.equal(credentialed.outcome, "blocked", JSON.stringify(credentialed));
    const plain = await page.press("public-plain");
    assert.equal(plain.outcome, "allowed", JSON.stringify(plain));
    assert.equal(plain.status, 200);
    assert.equal(JSON.parse(plain.body).message, "hello from a public API");
  } finally {
    await page.close();
  }
});

test("a subdomain-pattern policy lets a listed origin send a custom header and read an exposed one", async () => {
  const page = await demo(allowedPort);
  try {
    const result = await page.press("patterns");
    assert.equal(result.outcome, "allowed", JSON.stringify(result));
    assert.equal(result.status, 200);
    assert.equal(result.requestId, "req-42", "x-request-id is exposed to the script");
  } finally {
    await page.close();
  }
  const refused = await demo(refusedPort);
  try {
    const result = await refused.press("patterns");
    assert.equal(result.outcome, "blocked", JSON.stringify(result));
  } finally {
    await refused.close();
  }
});

test("preflights never reach the handler", async () => {
  // The same preflight the browser sent for the JSON POST: answered by the attribute...
  const preflight = await fetch(api("credentials/me"), {
    method: "OPTIONS",
    headers: {
      origin: `http://localhost:${allowedPort}`,
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type",
    },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), `http://localhost:${allowedPort}`);

  // ...and the handler body, which counts its runs per method, never saw an OPTIONS request, while it
  // did run for the browser's POSTs.
  const stats = await (await fetch(api("credentials/stats"))).json();
  assert.equal(stats.runs.OPTIONS, undefined, JSON.stringify(stats));
  assert.ok(stats.runs.POST >= 2, JSON.stringify(stats));
});

test("an axum router with two policies: cookies on the account routes, * on the public ones", async () => {
  const page = await demo(allowedPort);
  try {
    const login = await page.press("router-login");
    assert.equal(login.outcome, "allowed", JSON.stringify(login));
    const { session } = JSON.parse(login.body);
    const me = await page.press("router-me");
    assert.equal(me.outcome, "allowed", JSON.stringify(me));
    assert.equal(me.status, 200, "the cookie set by /account/session came back on /account/me");
    assert.deepEqual(JSON.parse(me.body), { session });
    const posted = await page.press("router-post-me");
    assert.equal(posted.outcome, "allowed", JSON.stringify(posted));
    assert.deepEqual(JSON.parse(posted.body), { session });
    const open = await page.press("router-public");
    assert.equal(open.outcome, "allowed", JSON.stringify(open));
    assert.equal(JSON.parse(open.body).message, "hello from a public route");
  } finally {
    await page.close();
  }
  const refused = await demo(refusedPort);
  try {
    for (const name of ["router-login", "router-me", "router-post-me"]) {
      const result = await refused.press(name);
      assert.equal(result.outcome, "blocked", JSON.stringify(result));
    }
    const open = await refused.press("router-public");
    assert.equal(open.outcome, "allowed", JSON.stringify(open));
  } finally {
    await refused.close();
  }
});

test("a streamed response is readable from an allowed origin, line by line, and blocked elsewhere", async () => {
  const page = await demo(allowedPort);
  try {
    const result = await page.press("streaming");
    assert.equal(result.outcome, "allowed", JSON.stringify(result));
    assert.equal(result.status, 200);
    assert.equal(result.body, [1, 2, 3, 4, 5].map((n) => `line ${n} of 5\n`).join(""));
    // Five lines 200 ms apart arrive in several chunks: the body streamed after the head.
    assert.ok(result.chunks > 1, JSON.stringify(result));
  } finally {
    await page.close();
  }
  const refused = await demo(refusedPort);
  try {
    const result = await refused.press("streaming");
    assert.equal(result.outcome, "blocked", JSON.stringify(result));
  } finally {
    await refused.close();
  }
});
