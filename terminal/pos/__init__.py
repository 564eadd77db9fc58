"""The local Terminal API: POS software drives the register with nexo Retailer SaleToPOI JSON
(ProtocolVersion 3.0) over HTTPS, as it drives Adyen terminals through their local Terminal API.

A surface: it reads payments' states and submits requests to the payment core through the small
``PaymentCore`` Protocol (``terminal.pos.core``); it decides no payment rule itself. Modules:

- ``nexo_crypto``: NexoBlob + SecurityTrailer message protection (AES-256-CBC, HMAC-SHA256,
  keys derived with PBKDF2 from a per-POS passphrase), as Adyen's libraries do it.
- ``replay``: refuses a blob seen before (same key and nonce, or the same message id).
- ``pairing``: one key identifier and passphrase per POS, stored 0600 in the data directory.
- ``tls``: the register's own TLS certificate.
- ``messages``: MessageHeader validation, amounts as exact decimals, nexo Failure answers.
- ``core``: the ``PaymentCore`` Protocol the handlers are written against.
- ``handlers``: Payment, Abort, TransactionStatus, Reversal, Reconciliation, GetTotals, Diagnosis.
- ``server``: the HTTPS endpoint POST /nexo.
"""
