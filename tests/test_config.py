from pathlib import Path

from segment_lists.data.hubspot_limits import HUBSPOT_API
from segment_lists.workflow.dotenv import read_dotenv
from segment_lists.workflow.environment import load_settings

SECRET = "pat-na1-not-a-real-token-example-for-tests"


def test_token_from_environment_is_secret(tmp_path: Path) -> None:
    settings = load_settings(env={"HUBSPOT_ACCESS_TOKEN": SECRET}, dotenv=tmp_path / "none")
    assert settings.token is not None and settings.token.get_secret_value() == SECRET
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())
    assert settings.base_url == HUBSPOT_API and settings.is_hubspot


def test_seed_variable_name_and_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"# comment\nexport HUBSPOT_API_TOKEN='{SECRET}'\nHUBSPOT_BASE_URL=http://127.0.0.1:9 # local\n")
    settings = load_settings(env={}, dotenv=dotenv)
    assert settings.token is not None and settings.token.get_secret_value() == SECRET
    assert settings.base_url == "http://127.0.0.1:9" and not settings.is_hubspot


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("HUBSPOT_ACCESS_TOKEN=from-file\nSEGMENT_LISTS_READ_ONLY=yes\n")
    settings = load_settings(env={"HUBSPOT_ACCESS_TOKEN": "from-env"}, dotenv=dotenv)
    assert settings.token is not None and settings.token.get_secret_value() == "from-env"
    assert settings.read_only is True


def test_read_dotenv_ignores_garbage(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text('no equals sign\n=\nKEY="quoted # not a comment"\n')
    assert read_dotenv(dotenv) == {"": "", "KEY": "quoted # not a comment"}
