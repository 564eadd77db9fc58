"""The first-run enrollment wizard (what ``payterm enroll`` does, in the window)."""

from terminal.ui.wizard.wizard import EnrollmentWizard

__all__ = ["EnrollmentWizard"]
