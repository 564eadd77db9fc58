"""A QR code as a QImage, drawn crisp (one pixel per module, scaled without smoothing)."""

from __future__ import annotations

import numpy as np
import qrcode
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage


def qr_image(text: str, side: int) -> QImage:
    code = qrcode.QRCode(border=4, box_size=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    modules = np.array(code.get_matrix(), dtype=bool)
    pixels = np.where(modules, 0, 255).astype(np.uint8)
    h, w = pixels.shape
    image = QImage(pixels.data, w, h, pixels.strides[0], QImage.Format.Format_Grayscale8).copy()
    return image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)
