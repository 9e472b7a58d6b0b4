"""Identity providers are configured by environment variables (``portal/settings.py``)."""

import json

from tests.helpers import PRODUCTION_ENV, python

PRINT_PROVIDERS = "import json; from portal import settings; print(json.dumps(settings.OIDC_PROVIDERS))"


def providers(**env):
    return python("-c", PRINT_PROVIDERS, **env)


def test_no_provider_is_configured_by_default():
    result = providers(OIDC_PROVIDERS="")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {}


def test_several_providers_each_with_their_variables():
    result = providers(
        OIDC_PROVIDERS="lansstyrelsen,malmo-stad",
        OIDC_LANSSTYRELSEN_ISSUER="https://login.lansstyrelsen.se",
        OIDC_LANSSTYRELSEN_CLIENT_ID="tp",
        OIDC_LANSSTYRELSEN_CLIENT_SECRET="hemligt",
        OIDC_LANSSTYRELSEN_ALLOWED_DOMAINS="lansstyrelsen.se,LST.se",
        OIDC_LANSSTYRELSEN_LABEL="Logga in med Länsstyrelsens konto",
        OIDC_LANSSTYRELSEN_MFA_ACR="http://id.elegnamnden.se/loa/1.0/loa3",
        OIDC_MALMO_STAD_ISSUER="https://idp.malmo.se",
        OIDC_MALMO_STAD_CLIENT_ID="tp-malmo",
        OIDC_MALMO_STAD_CLIENT_SECRET="annat",
        OIDC_MALMO_STAD_ALLOWED_DOMAINS="malmo.se",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "lansstyrelsen": {
            "issuer": "https://login.lansstyrelsen.se",
            "client_id": "tp",
            "client_secret": "hemligt",
            "allowed_domains": ["lansstyrelsen.se", "lst.se"],
            "label": "Logga in med Länsstyrelsens konto",
            "mfa_acr": ["http://id.elegnamnden.se/loa/1.0/loa3"],
        },
        "malmo-stad": {
            "issuer": "https://idp.malmo.se",
            "client_id": "tp-malmo",
            "client_secret": "annat",
            "allowed_domains": ["malmo.se"],
            "label": "",
            "mfa_acr": [],
        },
    }


def test_a_provider_without_its_variables_stops_the_start():
    result = providers(OIDC_PROVIDERS="malmo", OIDC_MALMO_ISSUER="https://idp.malmo.se")
    assert result.returncode != 0
    assert "OIDC_MALMO_CLIENT_ID" in result.stderr


def test_production_needs_https_issuers():
    result = providers(
        OIDC_PROVIDERS="malmo",
        OIDC_MALMO_ISSUER="http://idp.malmo.se",
        OIDC_MALMO_CLIENT_ID="tp",
        OIDC_MALMO_CLIENT_SECRET="hemligt",
        OIDC_MALMO_ALLOWED_DOMAINS="malmo.se",
        **PRODUCTION_ENV,
    )
    assert result.returncode != 0
    assert "OIDC_MALMO_ISSUER must be an https:// address" in result.stderr
