"""The permission matrix's rows, one module per app, so that an app's matrix test and the site-wide
access test read the same rows."""
