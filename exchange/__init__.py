"""Files that cross the office boundary: the signed returns (xlsx, pdf) going out, the office's
signing identity, and the verification the city runs on what it receives. No Qt here."""
