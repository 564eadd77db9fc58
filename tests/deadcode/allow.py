"""Names vulture reports as unused in terminal/ and sandbox/, each kept for a reason (issue 9: every
name vulture reports is removed or has a reason here). tests/unit/test_dead_code.py runs vulture
over the code and this file; a new unused name fails it until it is removed or listed here.

Framework hooks are left out by the test's own options rather than listed: FastAPI routes
(@router/@app decorators), pydantic validators and model_config, Qt overrides (paintEvent,
eventFilter, isComplete, ...), properties.
"""

# ruff: noqa
from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# -- wire formats: fields of messages the other side reads, kept for the contract -------------------
_.failed_attempts  # sandbox admin view of a customer (JSON for the demo and tests)
_.preferred_method
_.customer_balances  # sandbox ledger view (JSON)
_.merchant_takings
_.merchant  # sandbox wallet page template context
_.payments
_.kem  # Wallet API PinKey fields (HPKE suite, docs/wallet-api.md)
_.aead
_.rotated_at  # Wallet API RotateKeyResponse
_.verified_at  # Wallet API ManagerPinVerifyResponse / ManagerPinSetResponse
_.set_at
_.charge_refunded_amount  # Wallet API RefundResponse
_.cancelled_count  # Wallet API SettlementTotal
_.cancelled_amount
_.GET_TOTALS  # nexo message category name, part of the enumerated protocol
_.TAG_TRACK2  # EMV CPM tag names, kept with the parser they document
_.TAG_PAN
_.format_indicator  # parsed EMV CPM fields, part of the payload's value object
_.common_data
_.emv  # PaymentCode's parsed EMV payload (for EMV codes)
_.updated_at  # journal record columns (SaleRecord / OperationRecord)
_.frame_seq  # ScanResult: which frame a read came from (bench and tests measure reads per frame)
_.recovered  # Sale: resumed after a restart (its JSON and the verdict's note)

# -- protocol signatures: parameters a caller's interface requires -----------------------------------
_.signum  # signal handler signature
_.exc_type  # __exit__ signature
_.tb
_.watched  # Qt eventFilter signature
_.prop  # OpenCV property pairs unpacked in the camera source
_.max_age  # http-message-signatures verifier hook signature (libadapter)
_.sig_input
_.validate_created_and_expires  # hook the library calls (our own window check replaces it)
_.resolve_public_key  # http-message-signatures key resolver interface
_.requires_request_body  # httpx Auth class attribute
_.auth_flow  # httpx Auth hook
_.__getattr__  # module __getattr__: lazy imports of heavy submodules (PEP 562)

# -- the stdlib HTTP server's hooks (terminal/pos/server.py) -----------------------------------------
_.protocol_version
_.server_version
_.sys_version
_.disable_nagle_algorithm
_.daemon_threads
_.allow_reuse_address
_.do_POST
_.do_GET
_.log_message
_.handle_error
_.get_request

# -- used by tests and benches through the public API of a component ----------------------------------
_.load_pending  # key rotation: the contract suite loads the pending key (tests/contract)
_.build_scanner  # the scanner factory for a config (tests, payterm decode --live)
_.IMAGES  # scanner kinds for an image folder source
_.wait_until_ended  # a video-file pipeline runs to its end (tests, bench/scan.py)
_.build_emv_cpm  # makes EMV CPM payloads (tests, bench/scan.py, the demo's phone)
_.escalated  # the scan pipeline's per-frame report: whether harder passes ran (tests, bench)
_.overflowed  # the serial scanner's count of dropped over-long lines (diagnosis)
_.captured  # the scan pipeline's counters (stats for doctor and the bench)
_.reported
_.shown_facts  # what the sale detail shows, as the tests read it
_.pin_dialog  # the dialog awaiting the manager PIN (tests drive it)
_._note  # the top bar's passing note, kept until replaced
_.location  # KeyStoreError: where the key store looked (message)
_.row_factory  # sqlite3 connection setting
_.should_exit  # uvicorn server flag set to stop it
_.FILE_MODES  # doctor's Check members, made by value from the security checks' results
_.KEY_PROTECTION
_._check_protocol  # a function only mypy reads: the adapter implements the PaymentCore Protocol
_.request_for_sale  # the POS request behind a sale (diagnosis: which POS asked for a sale)
_.service_actions  # socketserver calls it on every turn of serve_forever (the POS API's watchdog)
