"""Files that cross the office boundary: plan workbooks and indicator values coming in, the
signed returns (xlsx, pdf) going out, the office's signing identity, and the verification and
consolidation the city runs on what it receives. No Qt here."""
