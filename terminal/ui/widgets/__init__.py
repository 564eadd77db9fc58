"""Small reusable widgets: keypad, amount display, countdown, verdict icon."""
