// PayTerm's tests drive the register with the official Adyen Node API library, unchanged.
//
// One job per run, as JSON on stdin; one JSON line on stdout:
//   {"mode": "encrypt", "key": KEY, "request": {"SaleToPOIRequest": ...}}
//       -> {"secured": <what TerminalLocalAPI would POST>}           (NexoCrypto.encrypt)
//   {"mode": "decrypt", "key": KEY, "secured": {"SaleToPOIResponse": {...secured...}}}
//       -> {"plain": "<decrypted JSON text>"}                        (NexoCrypto.decrypt)
//   {"mode": "request", "key": KEY, "endpoint": "https://127.x.y.z", "certificate": PEM_FILE,
//    "fingerprint": "AB:CD:...", "request": {"SaleToPOIRequest": ...}}
//       -> {"response": <TerminalLocalAPI.request's answer>}          (the whole client path)
// Any error -> {"error": "<name>", "message": "...", "statusCode": N, "responseBody": "..."}.
// KEY = {"KeyIdentifier", "Passphrase", "KeyVersion", "AdyenCryptoVersion"}.
//
// The only settings changed are the endpoint (the library always appends ":8443/nexo/") and the
// certificate: the library's own certificate check accepts only Adyen terminals' names
// (*.terminal.adyen.com), so the HTTPS agent is given the register's certificate as its only CA
// and pins its SHA-256 fingerprint instead. TerminalLocalAPI also insists on an API key, which
// a local terminal ignores; we pass a placeholder.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const { Client, Config, NexoCrypto, TerminalLocalAPI, HttpURLConnectionClient } = require("@adyen/api-library");

function readStdin() {
  return fs.readFileSync(0, "utf-8");
}

function pinnedAgentOptions(pemFile, fingerprint) {
  const ca = fs.readFileSync(pemFile);
  const want = fingerprint.toUpperCase();
  return {
    ca,
    checkServerIdentity: (host, cert) => {
      const got = crypto.createHash("sha256").update(cert.raw).digest("hex").toUpperCase()
        .match(/../g).join(":");
      return got === want ? undefined : new Error(`certificate fingerprint ${got} is not the pinned one`);
    },
  };
}

async function run(job) {
  if (job.mode === "encrypt") {
    const r = job.request.SaleToPOIRequest;
    return { secured: { SaleToPOIRequest: NexoCrypto.encrypt(r.MessageHeader, JSON.stringify(job.request), job.key) } };
  }
  if (job.mode === "decrypt") {
    return { plain: new NexoCrypto().decrypt(job.secured.SaleToPOIResponse, job.key) };
  }
  if (job.mode === "request") {
    const config = new Config({
      apiKey: "unused-by-local-terminals",
      environment: "TEST",
      terminalApiLocalEndpoint: job.endpoint,
      connectionTimeoutMillis: job.timeoutMillis || 30000,
    });
    const http = new HttpURLConnectionClient();
    http.agentOptions = pinnedAgentOptions(job.certificate, job.fingerprint);
    const client = new Client(config, http);
    const api = new TerminalLocalAPI(client);
    const response = await api.request(job.request, job.key);
    return { response };
  }
  throw new Error(`unknown mode ${job.mode}`);
}

run(JSON.parse(readStdin()))
  .then((out) => process.stdout.write(JSON.stringify(out) + "\n"))
  .catch((err) => {
    process.stdout.write(JSON.stringify({
      error: err.name || "Error", message: String(err.message || err),
      statusCode: err.statusCode, responseBody: err.responseBody,
    }) + "\n");
  });
