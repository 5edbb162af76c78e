"""Documents made from plain values: QR codes and PDFs (rendered in a sandbox)."""
