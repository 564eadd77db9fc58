"""The first-run wizard in the window: wallet URL and enrollment code, where the device key
lives (a file, or a PKCS#11 token: TPM or HSM), the first manager PIN, then enrollment on a
worker. It does what ``payterm enroll`` does (``first_run.enroll``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from terminal.config.loader import LoadedSettings
from terminal.config.model import KeyStoreKind
from terminal.register.manager_pin import MAX_PIN_LENGTH, ManagerPinError, check_policy
from terminal.ui.errors import error_text
from terminal.ui.manager.tasks import Tasks
from terminal.ui.wizard.first_run import Enrolled, FirstRun, enroll


class WalletPage(QWizardPage):
    def __init__(self, default_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Wallet"))
        self.setSubTitle(self.tr("The wallet's address and the one-time enrollment code it gave for this register."))
        form = QFormLayout(self)
        self.url = QLineEdit(default_url, self)
        self.url.setObjectName("walletUrl")
        self.url.setPlaceholderText("https://wallet.example")
        form.addRow(self.tr("Wallet URL"), self.url)
        self.code = QLineEdit(self)
        self.code.setObjectName("enrollmentCode")
        form.addRow(self.tr("Enrollment code"), self.code)
        self.fingerprint = QLineEdit(self)
        self.fingerprint.setObjectName("walletKeyFingerprint")
        self.fingerprint.setPlaceholderText(self.tr("SHA256:… given to IT by the wallet provider"))
        form.addRow(self.tr("Wallet key fingerprint"), self.fingerprint)
        # Without the fingerprint, the installer must choose to trust the first key that answers;
        # the key pinned is shown once enrolled, to compare with the wallet provider's.
        self.trust_first = QCheckBox(self.tr("No fingerprint: trust the key this wallet presents "
                                             "(compare it with the wallet provider's afterwards)"), self)
        self.trust_first.setObjectName("trustOnFirstUse")
        form.addRow("", self.trust_first)
        self.url.textChanged.connect(self.completeChanged)
        self.code.textChanged.connect(self.completeChanged)
        self.fingerprint.textChanged.connect(self.completeChanged)
        self.trust_first.toggled.connect(self.completeChanged)

    def isComplete(self) -> bool:
        confirmed = bool(self.fingerprint.text().strip()) or self.trust_first.isChecked()
        return (self.url.text().strip().startswith(("https://", "http://")) and bool(self.code.text().strip())
                and confirmed)


class KeyStorePage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Device key"))
        self.setSubTitle(self.tr("The register signs every payment with its own key. Where does it live?"))
        layout = QVBoxLayout(self)
        self.file = QRadioButton(self.tr("An encrypted key file on this register"), self)
        self.file.setChecked(True)
        self.pkcs11 = QRadioButton(self.tr("A PKCS#11 token (TPM or USB HSM): the key never leaves it"), self)
        layout.addWidget(self.file)
        layout.addWidget(self.pkcs11)
        self.token = QWidget(self)
        form = QFormLayout(self.token)
        self.module = QLineEdit(self.token)
        self.module.setPlaceholderText("/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so")
        form.addRow(self.tr("PKCS#11 module"), self.module)
        self.token_label = QLineEdit(self.token)
        form.addRow(self.tr("Token label"), self.token_label)
        self.token_pin = QLineEdit(self.token)
        self.token_pin.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Token user PIN"), self.token_pin)
        note = QLabel(self.tr("The token PIN is used for this enrollment only. At every start the register "
                              "reads it from PAYTERM_PKCS11_PIN or /etc/payterm/pkcs11-pin (set by IT)."),
                      self.token)
        note.setWordWrap(True)
        form.addRow(note)
        layout.addWidget(self.token)
        layout.addStretch(1)
        self.token.setEnabled(False)
        self.pkcs11.toggled.connect(self.token.setEnabled)
        for signal in (self.pkcs11.toggled, self.module.textChanged, self.token_label.textChanged):
            signal.connect(self.completeChanged)

    def kind(self) -> KeyStoreKind:
        return KeyStoreKind.PKCS11 if self.pkcs11.isChecked() else KeyStoreKind.FILE

    def isComplete(self) -> bool:
        return self.file.isChecked() or bool(self.module.text().strip() and self.token_label.text().strip())


class ManagerPinPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Manager PIN"))
        self.setSubTitle(self.tr("Manager mode (history, refunds, end of day, settings) asks for this PIN."))
        form = QFormLayout(self)
        self.pin = QLineEdit(self)
        self.again = QLineEdit(self)
        for field in (self.pin, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaxLength(MAX_PIN_LENGTH)
            field.textChanged.connect(self._check)
        form.addRow(self.tr("New PIN (4 to 12 digits)"), self.pin)
        form.addRow(self.tr("New PIN again"), self.again)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        form.addRow(self.message)
        self._ok = False

    def _check(self) -> None:
        try:
            check_policy(self.pin.text())
            self._ok = self.pin.text() == self.again.text()
            self.message.setText("" if self._ok else self.tr("The two PINs differ."))
        except ManagerPinError as exc:
            self._ok = False
            self.message.setText(error_text(exc))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._ok


class EnrollPage(QWizardPage):
    """Sends the enrollment when asked; Finish is possible once the wallet has said yes."""

    done = Signal(object)  # Enrolled, or the exception that stopped it

    def __init__(self, wizard: EnrollmentWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self._tasks = Tasks(self)
        self.result: Enrolled | None = None
        self.setTitle(self.tr("Enroll"))
        self.setSubTitle(self.tr("The key is made and registered with the wallet, whose keys are then pinned."))
        layout = QVBoxLayout(self)
        self.enroll_button = QPushButton(self.tr("Enroll this register"), self)
        self.enroll_button.setObjectName("okButton")
        self.enroll_button.clicked.connect(self.start)
        layout.addWidget(self.enroll_button)
        self.message = QLabel(self)
        self.message.setObjectName("enrollMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message, 1)

    def start(self) -> None:
        run, loaded = self._wizard.request(), self._wizard.loaded
        self.enroll_button.setEnabled(False)
        self.message.setText(self.tr("Enrolling with the wallet…"))
        self._tasks.run(lambda: enroll(loaded, run, self._wizard.env), self._enrolled, self._failed)

    def _enrolled(self, result: Enrolled) -> None:
        self.result = result
        e = result.enrollment
        lines = [self.tr("Enrolled as %1 at %2 / %3.").replace("%1", e.terminal_name)
                 .replace("%2", e.merchant_name).replace("%3", e.store_name),
                 self.tr("Device key: %1").replace("%1", result.device_key)]
        lines += [self.tr("Wallet key pinned: %1").replace("%1", fp) for fp in result.wallet_keys]
        if not result.pin_was_set:
            lines.append(self.tr("This register already had a manager PIN: it was kept."))
        if e.training:
            lines.append(self.tr("This is a test wallet: no real money."))
        self.message.setText("\n".join(lines))
        self.completeChanged.emit()
        self.done.emit(result)

    def _failed(self, exc: Exception) -> None:
        self.enroll_button.setEnabled(True)
        self.message.setText(self.tr("Not enrolled: %1").replace("%1", error_text(exc)))
        self.done.emit(exc)

    def isComplete(self) -> bool:
        return self.result is not None


class EnrollmentWizard(QWizard):
    def __init__(self, loaded: LoadedSettings, env: dict[str, str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enrollmentWizard")
        self.setWindowTitle(self.tr("Set up this register"))
        self.loaded = loaded
        self.env = env
        self.wallet = WalletPage(loaded.settings.wallet.url or "", self)
        self.keys = KeyStorePage(self)
        self.pin = ManagerPinPage(self)
        self.enroll = EnrollPage(self)
        for page in (self.wallet, self.keys, self.pin, self.enroll):
            self.addPage(page)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        # Qt's own button words are English unless Qt's translations are installed: ours
        for button, text in ((QWizard.WizardButton.BackButton, self.tr("< Back")),
                             (QWizard.WizardButton.NextButton, self.tr("Next >")),
                             (QWizard.WizardButton.CancelButton, self.tr("Cancel")),
                             (QWizard.WizardButton.FinishButton, self.tr("Finish"))):
            self.setButtonText(button, text)
        self.resize(720, 520)

    def request(self) -> FirstRun:
        kind = self.keys.kind()
        return FirstRun(
            wallet_url=self.wallet.url.text(), code=self.wallet.code.text(), manager_pin=self.pin.pin.text(),
            store=kind,
            pkcs11_module=Path(self.keys.module.text().strip()) if kind is KeyStoreKind.PKCS11 else None,
            token_label=self.keys.token_label.text().strip() or None if kind is KeyStoreKind.PKCS11 else None,
            token_pin=self.keys.token_pin.text() or None if kind is KeyStoreKind.PKCS11 else None,
            wallet_key_fingerprint=self.wallet.fingerprint.text().strip() or None,
            trust_on_first_use=self.wallet.trust_first.isChecked(),
        )
