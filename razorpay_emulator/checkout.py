"""The checkout stand-in: a `checkout.js` with Razorpay Checkout's interface (`new
Razorpay(options)`, `.on("payment.failed", fn)`, `.open()`, `handler`, `modal.ondismiss`), which
opens a test payment page from the emulator in an overlay, with three buttons: "Pay", "Fail
payment" and "Close". The page and the script talk by postMessage, the script accepting messages
only from the emulator's origin and its own frame."""

from __future__ import annotations

import html

CHECKOUT_JS = r"""// Razorpay Checkout as the local Razorpay emulator stands in for it (test payments only).
(function () {
  'use strict';
  var ORIGIN = '__EMULATOR_ORIGIN__';
  function Razorpay(options) {
    if (!(this instanceof Razorpay)) return new Razorpay(options);
    if (!options || !options.key || !options.order_id) throw new Error('Razorpay: key and order_id are required');
    this.options = options;
    this.listeners = {};
    this.overlay = null;
  }
  Razorpay.prototype.on = function (event, fn) { this.listeners[event] = fn; return this; };
  Razorpay.prototype.close = function () {
    if (this.overlay) { this.overlay.remove(); this.overlay = null; }
    if (this.listen) window.removeEventListener('message', this.listen);
  };
  Razorpay.prototype.open = function () {
    var self = this;
    var o = this.options;
    var prefill = o.prefill || {};
    if (self.overlay) return;
    var query = new URLSearchParams({
      order_id: o.order_id, key_id: o.key, amount: String(o.amount || ''), currency: o.currency || 'INR',
      name: o.name || '', description: o.description || '', customer: prefill.name || '',
      email: prefill.email || '', contact: prefill.contact || ''
    });
    var overlay = document.createElement('div');
    overlay.setAttribute('data-razorpay-emulator', '');
    overlay.style.cssText = 'position:fixed;inset:0;background:rgba(0,0,0,.55);z-index:2147483647;'
      + 'display:flex;align-items:center;justify-content:center';
    var frame = document.createElement('iframe');
    frame.title = 'Test payment (Razorpay emulator)';
    frame.name = 'razorpay-emulator';
    frame.src = ORIGIN + '/checkout/pay?' + query.toString();
    frame.style.cssText = 'width:380px;max-width:95vw;height:480px;border:0;border-radius:8px;background:#fff';
    overlay.appendChild(frame);
    document.body.appendChild(overlay);
    self.overlay = overlay;
    self.listen = function (event) {
      if (event.origin !== ORIGIN || event.source !== frame.contentWindow) return;
      var message = event.data || {};
      if (message.type === 'razorpay-emulator:paid') {
        self.close();
        if (typeof o.handler === 'function') o.handler(message.response);
      } else if (message.type === 'razorpay-emulator:failed') {
        if (self.listeners['payment.failed']) self.listeners['payment.failed']({ error: message.error });
      } else if (message.type === 'razorpay-emulator:closed') {
        self.close();
        if (o.modal && typeof o.modal.ondismiss === 'function') o.modal.ondismiss();
      }
    };
    window.addEventListener('message', self.listen);
  };
  window.Razorpay = Razorpay;
})();
"""

PAY_JS = r"""(function () {
  'use strict';
  var params = new URLSearchParams(window.location.search);
  var message = document.getElementById('message');
  var buttons = Array.prototype.slice.call(document.querySelectorAll('button'));
  function busy(on) { buttons.forEach(function (b) { b.disabled = on; }); }
  function tell(text) { message.textContent = text; }
  function post(data) { window.parent.postMessage(data, '*'); }
  function attempt(outcome) {
    busy(true);
    tell(outcome === 'pay' ? 'Paying…' : 'Failing the payment…');
    fetch('/checkout/attempt', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ order_id: params.get('order_id'), key_id: params.get('key_id'), outcome: outcome,
        email: params.get('email'), contact: params.get('contact') })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      busy(false);
      if (!result.ok) { tell(result.body.error.description); return; }
      if (outcome === 'pay') {
        tell('Paid.');
        post({ type: 'razorpay-emulator:paid', response: result.body.checkout });
      } else {
        var payment = result.body.payment;
        tell('The payment failed. Pay again, or close this window.');
        post({ type: 'razorpay-emulator:failed', error: { code: payment.error_code,
          description: payment.error_description, source: 'customer', step: 'payment_authentication',
          reason: payment.error_reason,
          metadata: { order_id: payment.order_id, payment_id: payment.id } } });
      }
    }).catch(function () { busy(false); tell('The emulator cannot be reached.'); });
  }
  document.getElementById('pay').addEventListener('click', function () { attempt('pay'); });
  document.getElementById('fail').addEventListener('click', function () { attempt('fail'); });
  document.getElementById('close').addEventListener('click', function () {
    post({ type: 'razorpay-emulator:closed' });
  });
})();
"""


def pay_page(order: dict | None, args) -> str:
    """The test payment page for one Razorpay order (or what is wrong with the link)."""
    esc = html.escape
    if order is None:
        body = "<p>This payment link is for an order the emulator does not have.</p>"
        body += '<p><button type="button" id="close">Close</button></p>'
        buttons_js = ""
    else:
        rupees = f"₹{order['amount'] / 100:,.2f}"
        body = (
            f'<p class="merchant">{esc(args.get("name", "") or "Merchant")}</p>'
            f"<p>{esc(args.get('description', ''))}</p>"
            f'<p class="amount">{esc(rupees)}</p>'
            f'<p class="hint">Razorpay order {esc(order["id"])} · {esc(args.get("email", ""))}</p>'
            '<p class="note">Razorpay emulator: a test payment page. No money is taken.</p>'
            '<p><button type="button" id="pay" class="pay">Pay</button></p>'
            '<p><button type="button" id="fail">Fail payment</button> '
            '<button type="button" id="close">Close</button></p>'
            '<p id="message" role="status"></p>'
        )
        buttons_js = '<script src="/checkout/pay.js"></script>'
    if order is None:
        buttons_js = (
            "<script>document.getElementById('close').onclick=function(){"
            "window.parent.postMessage({type:'razorpay-emulator:closed'},'*')}</script>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test payment</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font-family:system-ui,sans-serif;margin:0;padding:24px;color:#1d2733}"
        ".merchant{font-weight:700;font-size:1.2rem}.amount{font-size:2rem;font-weight:700;margin:12px 0}"
        ".hint,.note{color:#5b6770;font-size:.85rem}.note{background:#fff4d6;padding:8px;border-radius:4px}"
        "button{font:inherit;padding:10px 16px;border-radius:6px;border:1px solid #9aa5ad;background:#fff}"
        ".pay{background:#2b6de8;color:#fff;border-color:#2b6de8;width:100%;font-weight:700}</style>"
        f"</head><body>{body}{buttons_js}</body></html>"
    )
