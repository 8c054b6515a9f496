"""placeholder"""
def ocr_available() -> bool:
    return False
