// PayTerm sandbox wallet page: polls the state, renders code, balance, payments and step-ups.
"use strict";
(function () {
  const customer = decodeURIComponent(location.pathname.split("/")[2] || "");
  const base = "/wallet/" + encodeURIComponent(customer);
  const $ = (id) => document.getElementById(id);
  let state = null;
  let skew = 0; // server clock minus browser clock, in ms

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function secondsLeft(iso) {
    return Math.max(0, Math.round((Date.parse(iso) - (Date.now() + skew)) / 1000));
  }
  function groupDigits(code) { return code.replace(/(\d{4})(?=\d)/g, "$1 "); }

  function renderStepUps(list) {
    const box = $("stepups");
    box.replaceChildren();
    for (const s of list) {
      const card = el("div", "card stepup");
      card.dataset.chargeId = s.charge_id;
      const titles = {
        app_confirm: "Confirm this payment?",
        otp: "Tell the cashier this code",
        pin: "Enter your PIN at the register",
      };
      card.append(el("h3", "", titles[s.method] || "Confirm"));
      card.append(el("div", "payee", "To " + s.payee));
      card.append(el("div", "amount", s.amount));
      if (s.method === "otp" && s.otp) card.append(el("div", "otp", s.otp));
      const cd = el("div", "countdown", "");
      cd.dataset.expires = s.expires_at;
      card.append(cd);
      if (s.method === "app_confirm") {
        const actions = el("div", "actions");
        const no = el("button", "reject", "Reject");
        const yes = el("button", "approve", "Approve");
        yes.id = "approve-" + s.charge_id;
        no.id = "reject-" + s.charge_id;
        yes.onclick = () => decide(s.charge_id, "approve");
        no.onclick = () => decide(s.charge_id, "reject");
        actions.append(no, yes);
        card.append(actions);
      }
      box.append(card);
    }
  }

  function renderPayments(list) {
    const ul = $("payments");
    ul.replaceChildren();
    if (!list.length) { ul.append(el("li", "empty", "No payments yet")); return; }
    for (const p of list) {
      const li = el("li");
      li.dataset.chargeId = p.id;
      const left = el("div");
      left.append(el("div", "pm-name", p.merchant));
      const when = new Date(p.created_at).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
      left.append(el("div", "pm-meta", when + (p.decline_code && p.status === "declined" ? " · " + p.decline_code.replaceAll("_", " ") : "")));
      const right = el("div", "pm-amount", (p.status === "approved" ? "−" : "") + p.amount);
      right.append(el("br"));
      right.append(el("span", "st st-" + p.status, p.status));
      if (p.refunded) right.append(el("div", "pm-meta", "refunded " + p.refunded));
      li.append(left, right);
      ul.append(li);
    }
  }

  function render() {
    if (!state) return;
    $("hello").textContent = "Hello, " + state.display_name;
    $("balance").textContent = state.balance;
    $("locked").hidden = !state.locked;
    // a pending confirmation takes the place of the payment code: one question at a time
    $("pay").hidden = state.step_ups.length > 0;
    $("code").textContent = groupDigits(state.payment_code);
    $("qr").innerHTML = state.qr_svg; // server-made SVG of digits only
    renderStepUps(state.step_ups);
    renderPayments(state.payments);
    tick();
  }

  function tick() {
    if (!state) return;
    const left = secondsLeft(state.code_expires_at);
    $("bar").style.width = Math.min(100, (left / 60) * 100) + "%";
    for (const cd of document.querySelectorAll(".countdown")) {
      cd.textContent = secondsLeft(cd.dataset.expires) + " s left";
    }
  }

  async function refresh() {
    try {
      const r = await fetch(base + "/state", { cache: "no-store" });
      if (!r.ok) throw new Error("HTTP " + r.status);
      state = await r.json();
      skew = Date.parse(state.server_time) - Date.now();
      render();
    } catch (e) {
      $("hint").textContent = "Offline: " + e.message;
    }
  }

  async function decide(chargeId, decision) {
    const r = await fetch(base + "/step-ups/" + encodeURIComponent(chargeId), {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ decision: decision }),
    });
    if (r.ok) { state = await r.json(); render(); } else { await refresh(); }
  }

  refresh();
  setInterval(refresh, 2000);
  setInterval(tick, 1000);
})();
