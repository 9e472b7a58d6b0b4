# Cooperation agreements and citizen pledges: see docs/architecture.md for what comes here.
