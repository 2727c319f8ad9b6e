"""What leaves the store on paper: reportlab layouts (receipt, greeting card, daily
reconciliation) with an embedded CJK font, ESC/POS output for thermal printers, and the
printer backends. Imports desktop.core only; the services hand it plain documents."""
