// A local https front for the example functions, as API Gateway and Function URLs are one: TLS with a
// self-signed certificate made at start (openssl), forwarding every request to `cargo lambda watch`'s
// plain-http invoke port with `x-forwarded-proto: https` (the examples then set their session cookie
// `SameSite=None; Secure`), and the demo page served over https.
//
// The browser tests import it; `./scripts/run-local` runs it as a command when TLS_PORT is set:
//
//   node tests/browser/tls.mjs --front PORT:TARGET_PORT --page PORT:FILE [--page ...]
//
// It uses Node's own modules only, so run-local needs no `npm ci` for it.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Hop-by-hop headers (RFC 9110 section 7.6.1): one connection's business, never forwarded.
const hopByHop = new Set([
  "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
]);

// The raw [name, value, ...] list without hop-by-hop headers and those named in `drop`.
function endToEnd(rawHeaders, drop = new Set()) {
  const kept = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!hopByHop.has(name) && !drop.has(name)) kept.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return kept;
}

// A new self-signed certificate for localhost, 127.0.0.1 and ::1, valid for two days. Browsers accept
// it only because the tests ask for `acceptInsecureCerts` (a person opening run-local's https URLs
// accepts it once per origin in the browser's warning page).
export function selfSignedCertificate() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cors-tls-"));
  try {
    const key = path.join(dir, "key.pem");
    const cert = path.join(dir, "cert.pem");
    try {
      execFileSync("openssl", [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
      ], { stdio: ["ignore", "ignore", "pipe"] });
    } catch (error) {
      throw new Error(`openssl could not make the test certificate (apt-get install openssl): ${error.stderr ?? error}`);
    }
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

// Serves https on `port`, forwarding each request to http://127.0.0.1:`target` as it comes (bodies and
// streamed responses are piped, never buffered), with `x-forwarded-proto: https` and
// `x-forwarded-port`, as API Gateway adds them. The Host header is the client's, as at AWS.
export function startFront({ port, target, host = "127.0.0.1", certificate }) {
  const server = https.createServer(certificate, (request, response) => {
    const headers = endToEnd(request.rawHeaders, new Set(["x-forwarded-proto", "x-forwarded-port"]));
    headers.push("x-forwarded-proto", "https", "x-forwarded-port", String(server.address().port));
    const upstream = http.request(
      { host: "127.0.0.1", port: target, method: request.method, path: request.url, headers },
      (answer) => {
        response.writeHead(answer.statusCode, answer.statusMessage, endToEnd(answer.rawHeaders));
        response.flushHeaders();
        answer.pipe(response);
      },
    );
    upstream.on("error", (error) => {
      if (!response.headersSent) {
        response.writeHead(502, { "content-type": "text/plain" });
        response.end(`tls front: the functions on port ${target} did not answer: ${error.message}\n`);
      } else {
        response.destroy(error);
      }
    });
    request.pipe(upstream);
  });
  return listen(server, port, host);
}

// Serves `file` (the demo page) for every path, over https when a certificate is given, else over http.
export function startPage({ port, file, host = "127.0.0.1", certificate }) {
  const page = readFileSync(file);
  const answer = (_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    response.end(page);
  };
  const server = certificate ? https.createServer(certificate, answer) : http.createServer(answer);
  return listen(server, port, host);
}

async function main(args) {
  const fronts = [];
  const pages = [];
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1] ?? ""];
    const [port, rest] = [Number(value.split(":")[0]), value.split(":").slice(1).join(":")];
    if (!Number.isInteger(port) || port <= 0 || port > 65535 || !rest) {
      throw new Error(`bad argument ${flag} ${value}: expected --front PORT:TARGET_PORT or --page PORT:FILE`);
    }
    if (flag === "--front") fronts.push({ port, target: Number(rest) });
    else if (flag === "--page") pages.push({ port, file: rest });
    else throw new Error(`unknown flag ${flag}`);
  }
  const certificate = selfSignedCertificate();
  for (const front of fronts) await startFront({ ...front, certificate });
  for (const page of pages) await startPage({ ...page, certificate });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`tls.mjs: ${error.message}`);
    process.exit(1);
  });
}
