// Browser tests: Chromium, Firefox ESR and WebKitGTK decide whether the examples' CORS headers and
// cookies work.
//
// Our own tests assert header bytes; only a browser enforces CORS, and only a browser decides what
// happens to a cookie across sites. These tests serve the example functions with `cargo lambda watch
// --disable-cors` (as README's run command does), serve the demo page (examples/demo/index.html) on
// origins that are in ALLOWED_ORIGINS and one that is not, and press the page's buttons in each engine,
// asserting what the engine itself decided. Every scenario runs in every engine, each in a new
// WebDriver session with a new, empty profile (engines.mjs).
//
// The cookie scenarios run over https, as at AWS: a local TLS front (tls.mjs, a self-signed certificate
// made at start, which the sessions accept through `acceptInsecureCerts`) forwards to cargo lambda with
// `x-forwarded-proto: https`, so the examples set `SameSite=None; Secure` cookies. Pages are served on
// https://localhost (two ports) and https://[::1]; the API is reached as https://localhost:TLS (the same
// site as the pages: "same site" is scheme and registrable host, ports do not count) or as
// https://127.0.0.1:TLS (another site). What each engine does with the cross-site cookie is pinned in
// `crossSite` below, as measured; a change in an engine fails the test and says what it now does.
//
// Why Node and selenium-webdriver rather than a Rust WebDriver crate: selenium-webdriver 4.46 (the last
// release that runs on Node 20) drives all three engines through their own drivers, is pure JavaScript,
// and keeps browser-driver crates out of the workspace, where every CI build would compile them.
// Playwright cannot drive Debian's Firefox or WebKit, and puppeteer cannot drive WebKit. The tests fail,
// never skip, when an engine, its driver, Xvfb, openssl or cargo-lambda is missing:
// `./scripts/install-test-tools` (run by ./scripts/test) installs them.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import https from "node:https";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkEngines, engines, freePort, startEngine } from "./engines.mjs";
import { requireCargoLambda, startFunctions, waitFor } from "./functions.mjs";
import { selfSignedCertificate, startFront, startPage } from "./tls.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pageFile = path.join(root, "examples/demo/index.html");

// What each engine does, by default in a fresh profile, with a `SameSite=None; Secure` cookie that a
// cross-site API (https://127.0.0.1) sets in a credentialed CORS response to a page on https://localhost:
//   sent: sent back to the API on the next credentialed call from the same page;
//   sameTopLevelSite: sent from a new page of the page's site (https://localhost, another port);
//   otherTopLevelSite: sent from a page of a third site (https://[::1]);
//   firstParty: sent when the API's own URL is opened in the tab (a first-party visit).
const crossSite = {
  chromium: {
    verdict: "refused (a fresh profile blocks third-party cookies)",
    sent: false, sameTopLevelSite: false, otherTopLevelSite: false, firstParty: false,
  },
  firefox: {
    verdict: "partitioned by top-level site (sent from the page's site only, not on a first-party visit)",
    sent: true, sameTopLevelSite: true, otherTopLevelSite: false, firstParty: false,
  },
  webkit: {
    verdict: "refused (cookie policy: no third-party cookies)",
    sent: false, sameTopLevelSite: false, otherTopLevelSite: false, firstParty: false,
  },
};

// The engine's own words for a response it blocked by CORS, where WebDriver can read its console
// (WebKitGTK's driver cannot; its TypeError says only "Load failed"). A blocked fetch rejects with a
// TypeError in every engine, as it does for a connection or TLS failure, so the console message, or in
// WebKit a control call to the same API that succeeds from the same page, tells them apart.
const corsConsoleMessage = {
  chromium: /has been blocked by CORS policy/,
  firefox: /Cross-Origin Request Blocked/,
};

// The same over plain http (as ./scripts/run-local serves the examples without TLS_PORT): the examples
// then set `SameSite=Lax` (no `Secure` without https), and a page on http://127.0.0.1 calls the API as
// http://localhost, another site.
//   sent: sent back to the API on the next credentialed call from the same page;
//   firstParty: sent when the API's own URL is opened in the tab (it was stored at all).
const lax = "never sent (SameSite=Lax), not even on a first-party visit";
const crossSiteHttp = {
  chromium: { verdict: lax, sent: false, firstParty: false },
  firefox: { verdict: lax, sent: false, firstParty: false },
  webkit: { verdict: lax, sent: false, firstParty: false },
};

let certificate;
let functions;
let apiPort;
let tlsPort;
const ports = {};
const servers = [];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const api = (fn) => `http://127.0.0.1:${apiPort}/lambda-url/${fn}`;

// The pages, by what they are to the API.
const pages = {
  // http, the same site as the http API (localhost, other ports).
  allowed: () => `http://localhost:${ports.allowed}/?api=${apiPort}`,
  refused: () => `http://localhost:${ports.refused}/?api=${apiPort}`,
  // http, another site: the page on 127.0.0.1, the API as localhost.
  crossSiteHttp: () => `http://127.0.0.1:${ports.allowed}/?api=${encodeURIComponent(`http://localhost:${apiPort}`)}`,
  // https, through the TLS front: the API on the page's site, or on another site.
  sameSite: () => `https://localhost:${ports.https}/?api=${encodeURIComponent(`https://localhost:${tlsPort}`)}`,
  crossSite: () => `https://localhost:${ports.https}/?api=${encodeURIComponent(`https://127.0.0.1:${tlsPort}`)}`,
  crossSiteSameTopLevel: () =>
    `https://localhost:${ports.https2}/?api=${encodeURIComponent(`https://127.0.0.1:${tlsPort}`)}`,
  crossSiteOtherTopLevel: () =>
    `https://[::1]:${ports.ipv6}/?api=${encodeURIComponent(`https://127.0.0.1:${tlsPort}`)}`,
};

before(async () => {
  checkEngines();
  requireCargoLambda();
  execFileSync("cargo", ["build", "--locked", "-p", "cors-examples"], { cwd: root, stdio: "inherit" });
  certificate = selfSignedCertificate();

  // Our servers listen on port 0 (a free port the system picks); cargo lambda needs a number.
  apiPort = await freePort();
  const serve = async (start) => {
    const server = await start;
    servers.push(server);
    return server.address().port;
  };
  ports.allowed = await serve(startPage({ port: 0, file: pageFile }));
  ports.refused = await serve(startPage({ port: 0, file: pageFile }));
  ports.https = await serve(startPage({ port: 0, file: pageFile, certificate }));
  ports.https2 = await serve(startPage({ port: 0, file: pageFile, certificate }));
  ports.ipv6 = await serve(startPage({ port: 0, host: "::1", file: pageFile, certificate }));
  tlsPort = await serve(startFront({ port: 0, target: apiPort, certificate }));

  const allowed = [
    `http://localhost:${ports.allowed}`,
    `http://127.0.0.1:${ports.allowed}`,
    `https://localhost:${ports.https}`,
    `https://localhost:${ports.https2}`,
    `https://[::1]:${ports.ipv6}`,
  ];
  functions = startFunctions({
    root,
    port: apiPort,
    env: {
      ALLOWED_ORIGINS: allowed.join(" "),
      PATTERN_ORIGINS: `https://*.example.org http://localhost:${ports.allowed}`,
    },
  });
  const deadline = Date.now() + 180_000;
  for (const fn of ["public/", "patterns/", "credentials/stats", "router/public/hello", "streaming/"]) {
    await waitFor(api(fn), { deadline, log: functions.log });
  }
  await waitFor(`https://127.0.0.1:${tlsPort}/lambda-url/credentials/stats`,
    { deadline, ca: certificate.cert, log: functions.log });
});

after(async () => {
  functions?.stop();
  for (const server of servers) server.close();
});

// POSTs to `url` through the TLS front (trusting its certificate) and resolves to the response.
function postHttps(url, headers) {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: "POST", headers, ca: certificate.cert }, (response) => {
      let body = "";
      response.on("data", (chunk) => { body += chunk; });
      response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, body }));
    });
    request.on("error", reject);
    request.end();
  });
}

test("over the https front the examples set SameSite=None; Secure cookies, over http SameSite=Lax", async () => {
  const origin = `https://localhost:${ports.https}`;
  for (const fn of ["credentials/session", "router/account/session"]) {
    const secure = await postHttps(`https://127.0.0.1:${tlsPort}/lambda-url/${fn}`, { origin });
    assert.equal(secure.status, 200, secure.body);
    assert.equal(secure.headers["access-control-allow-origin"], origin);
    const cookie = secure.headers["set-cookie"]?.join("\n") ?? "";
    assert.match(cookie, /^session=s\d+;/, cookie);
    assert.match(cookie, /; SameSite=None(;|$)/, cookie);
    assert.match(cookie, /; Secure(;|$)/, cookie);
    const plain = await fetch(api(fn), { method: "POST", headers: { origin: `http://localhost:${ports.allowed}` } });
    const laxCookie = plain.headers.get("set-cookie") ?? "";
    assert.match(laxCookie, /^session=s\d+;.*; SameSite=Lax(;|$)/, laxCookie);
    assert.doesNotMatch(laxCookie, /; Secure(;|$)/, laxCookie);
  }
});

// One engine's view of the demo page: `open(url)` starts a new session (a new, empty profile) on it.
function demoPages(engine) {
  return async function open(url) {
    const session = await engine.open();
    try {
      await session.driver.get(url);
    } catch (error) {
      await session.close();
      throw error;
    }
    const press = (button) => session.driver.executeScript("return window.calls[arguments[0]]()", button);
    // Console lines already matched to a blocked call: each blocked call must add its own.
    let seen = 0;
    return {
      // Presses one of the page's buttons and returns what the browser decided.
      press,
      goto: (next) => session.driver.get(next),
      text: () => session.driver.executeScript("return document.body.textContent"),
      // Asserts that a call the engine blocked was blocked by CORS, not by the network.
      async assertBlockedByCors(result) {
        assert.equal(result.outcome, "blocked", JSON.stringify(result));
        assert.match(result.error, /^TypeError/, JSON.stringify(result));
        const expected = corsConsoleMessage[engine.key];
        if (!expected) {
          const control = await press("public-plain");
          assert.equal(control.outcome, "allowed", `the API is unreachable from this page: ${JSON.stringify(control)}`);
          return;
        }
        // The message may be logged a moment after the fetch rejects (BiDi events are asynchronous).
        const deadline = Date.now() + 10_000;
        let messages;
        for (;;) {
          messages = await session.consoleMessages();
          const index = messages.findIndex((line, i) => i >= seen && expected.test(line));
          if (index >= 0) {
            seen = index + 1;
            return;
          }
          if (Date.now() > deadline) break;
          await sleep(100);
        }
        assert.fail(`${engine.name}'s console has no CORS message for ${result.name}: ${JSON.stringify(messages.slice(seen))}`);
      },
      close: () => session.close(),
    };
  };
}

for (const [key, name] of engines) {
  const expected = crossSite[key];
  let engine;
  let demo;

  describe(name, () => {
    before(async () => {
      engine = await startEngine(key);
      demo = demoPages(engine);
      console.log(`# ${engine.name}: ${engine.version}`);
    });
    after(async () => {
      await engine?.stop();
    });

    test("from an allowed origin, the cookie round-trips and a preflighted JSON POST succeeds", async () => {
      const page = await demo(pages.allowed());
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

    test("each scenario starts in a new, empty profile: the last session's cookie is gone", async () => {
      const first = await demo(pages.allowed());
      try {
        const login = await first.press("login");
        assert.equal(login.outcome, "allowed", JSON.stringify(login));
        assert.equal((await first.press("me")).status, 200);
      } finally {
        await first.close();
      }
      const next = await demo(pages.allowed());
      try {
        const me = await next.press("me");
        assert.equal(me.outcome, "allowed", JSON.stringify(me));
        assert.equal(me.status, 401, `a new session sent an old cookie: ${me.body}`);
      } finally {
        await next.close();
      }
    });

    test("from an origin not on the list, the browser blocks the same calls", async () => {
      const page = await demo(pages.refused());
      try {
        for (const name of ["login", "me", "post-me"]) {
          await page.assertBlockedByCors(await page.press(name));
        }
        // The same page reaches the API: what blocked the calls above was CORS.
        const open = await page.press("public-plain");
        assert.equal(open.outcome, "allowed", JSON.stringify(open));
      } finally {
        await page.close();
      }
    });

    test("the public (*) API: credentialed fetch is blocked, uncredentialed succeeds", async () => {
      const page = await demo(pages.allowed());
      try {
        await page.assertBlockedByCors(await page.press("public-credentialed"));
        const plain = await page.press("public-plain");
        assert.equal(plain.outcome, "allowed", JSON.stringify(plain));
        assert.equal(plain.status, 200);
        assert.equal(JSON.parse(plain.body).message, "hello from a public API");
      } finally {
        await page.close();
      }
    });

    test("a subdomain-pattern policy lets a listed origin send a custom header and read an exposed one", async () => {
      const page = await demo(pages.allowed());
      try {
        const result = await page.press("patterns");
        assert.equal(result.outcome, "allowed", JSON.stringify(result));
        assert.equal(result.status, 200);
        assert.equal(result.requestId, "req-42", "x-request-id is exposed to the script");
      } finally {
        await page.close();
      }
      const refused = await demo(pages.refused());
      try {
        await refused.assertBlockedByCors(await refused.press("patterns"));
      } finally {
        await refused.close();
      }
    });

    test("preflights never reach the handler", async () => {
      const runs = async () => (await (await fetch(api("credentials/stats"))).json()).runs;
      const before = await runs();
      // This engine's preflighted JSON POST, from a new profile (no preflight cached)...
      const page = await demo(pages.allowed());
      try {
        const posted = await page.press("post-me");
        assert.equal(posted.outcome, "allowed", JSON.stringify(posted));
      } finally {
        await page.close();
      }
      // ...and the same preflight sent by hand: answered by the attribute...
      const preflight = await fetch(api("credentials/me"), {
        method: "OPTIONS",
        headers: {
          origin: `http://localhost:${ports.allowed}`,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get("access-control-allow-origin"), `http://localhost:${ports.allowed}`);

      // ...while the handler body, which counts its runs per method, never saw an OPTIONS request, and
      // did run for the browser's POST.
      const now = await runs();
      assert.equal(now.OPTIONS, undefined, JSON.stringify(now));
      assert.equal(now.POST, (before.POST ?? 0) + 1, JSON.stringify({ before, now }));
    });

    test("an axum router with two policies: cookies on the account routes, * on the public ones", async () => {
      const page = await demo(pages.allowed());
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
      const refused = await demo(pages.refused());
      try {
        for (const name of ["router-login", "router-me", "router-post-me"]) {
          await refused.assertBlockedByCors(await refused.press(name));
        }
        const open = await refused.press("router-public");
        assert.equal(open.outcome, "allowed", JSON.stringify(open));
      } finally {
        await refused.close();
      }
    });

    test("a streamed response is readable from an allowed origin, line by line, and blocked elsewhere", async () => {
      const page = await demo(pages.allowed());
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
      const refused = await demo(pages.refused());
      try {
        await refused.assertBlockedByCors(await refused.press("streaming"));
      } finally {
        await refused.close();
      }
    });

    test("https, same site (other port): the SameSite=None; Secure cookie round-trips, on both examples", async () => {
      const page = await demo(pages.sameSite());
      try {
        for (const [login, me, post] of [["login", "me", "post-me"], ["router-login", "router-me", "router-post-me"]]) {
          const created = await page.press(login);
          assert.equal(created.outcome, "allowed", JSON.stringify(created));
          const { session } = JSON.parse(created.body);
          const read = await page.press(me);
          assert.equal(read.outcome, "allowed", JSON.stringify(read));
          assert.equal(read.status, 200, `the cookie set by ${login} came back on ${me}: ${read.body}`);
          assert.deepEqual(JSON.parse(read.body), { session });
          const posted = await page.press(post);
          assert.deepEqual(JSON.parse(posted.body), { session }, JSON.stringify(posted));
        }
        // The streamed response, through the TLS front, still arrives in pieces.
        const streamed = await page.press("streaming");
        assert.equal(streamed.outcome, "allowed", JSON.stringify(streamed));
        assert.ok(streamed.chunks > 1, JSON.stringify(streamed));
      } finally {
        await page.close();
      }
    });

    test(`https, cross site: the API's SameSite=None; Secure cookie is ${expected.verdict}`, async (t) => {
      const sent = (result) => {
        assert.equal(result.outcome, "allowed", `CORS allows the call either way: ${JSON.stringify(result)}`);
        assert.ok([200, 401].includes(result.status), JSON.stringify(result));
        return result.status === 200;
      };
      const observed = {};
      const page = await demo(pages.crossSite());
      try {
        const login = await page.press("login");
        assert.equal(login.outcome, "allowed", JSON.stringify(login));
        assert.equal(login.status, 200);
        observed.sent = sent(await page.press("me"));
        // A new page of the same top-level site, in the same profile.
        await page.goto(pages.crossSiteSameTopLevel());
        observed.sameTopLevelSite = sent(await page.press("me"));
        // A page of a third site.
        await page.goto(pages.crossSiteOtherTopLevel());
        observed.otherTopLevelSite = sent(await page.press("me"));
        // The API's own URL, opened in the tab.
        await page.goto(`https://127.0.0.1:${tlsPort}/lambda-url/credentials/me`);
        // The JSON body, whatever the engine's viewer puts around it.
        const text = await page.text();
        const body = JSON.parse(text.match(/\{.*\}/s)?.[0] ?? "null");
        assert.ok(body && ("session" in body || "error" in body), `the API's own page: ${text}`);
        observed.firstParty = "session" in body;
      } finally {
        await page.close();
      }
      t.diagnostic(`${engine.version}: ${JSON.stringify(observed)}`);
      const { verdict: _, ...pinned } = expected;
      assert.deepEqual(observed, pinned, `${engine.name} now does this with the cross-site cookie`);
    });

    test(`http, cross site: the API's SameSite=Lax cookie is ${crossSiteHttp[key].verdict}`, async (t) => {
      const observed = {};
      const page = await demo(pages.crossSiteHttp());
      try {
        const login = await page.press("login");
        assert.equal(login.outcome, "allowed", JSON.stringify(login));
        assert.equal(login.status, 200);
        const me = await page.press("me");
        assert.equal(me.outcome, "allowed", `CORS allows the call either way: ${JSON.stringify(me)}`);
        observed.sent = me.status === 200;
        await page.goto(`http://localhost:${apiPort}/lambda-url/credentials/me`);
        const text = await page.text();
        const body = JSON.parse(text.match(/\{.*\}/s)?.[0] ?? "null");
        assert.ok(body && ("session" in body || "error" in body), `the API's own page: ${text}`);
        observed.firstParty = "session" in body;
      } finally {
        await page.close();
      }
      t.diagnostic(`${engine.version}: ${JSON.stringify(observed)}`);
      const { verdict: _, ...pinned } = crossSiteHttp[key];
      assert.deepEqual(observed, pinned, `${engine.name} now does this with the cross-site cookie`);
    });
  });
}
