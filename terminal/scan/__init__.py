"""Scanning: frame sources, decoders, the scan pipeline, keyboard-wedge and serial scanners.

The window's `ScannerHub` (terminal/ui/scanning.py) builds the camera pipeline and the handheld
scanners with a `CodeChecker`, which classifies every read once (the verdict travels with the
`ScanResult` to the register), follows their `SourceState`s, and (for cameras) reads
`latest_frame()` for the live view.
No Qt here: callbacks arrive on the scanner's threads. docs/scanning.md explains the choices.
"""
