"""The cashier window (PySide6). The only package that imports Qt: everything below it (the
register, the payment flow, scanning) runs and is tested without a QApplication.

The window draws whatever ``Register.sale`` says, one panel per ``SaleState``; the register's
callbacks arrive on worker threads and cross into the UI thread only through Qt signals
(``bridge.RegisterBridge``)."""
