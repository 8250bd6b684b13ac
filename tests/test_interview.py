import pytest
from pydantic import ValidationError

from segment_lists.domain.interview import Answers, Signal


def test_defaults_are_the_skills_defaults() -> None:
    answers = Answers()
    assert answers.families == ["core", "icp", "engagement"]
    assert [(s.kind, s.window_days) for s in answers.signals] == [("email_open", 90), ("email_click", 90)]
    assert answers.disengaged_after_days == 180 and answers.never_engaged_min_age_days == 30
    assert answers.list_name("ICP", "Tier 1") == "[ICP] - Tier 1"


def test_domains_are_cleaned_and_checked() -> None:
    assert Answers(own_domains=["@Acme.com", "acme.com", "acme.io"]).own_domains == ["acme.com", "acme.io"]
    with pytest.raises(ValidationError, match="is not a domain name"):
        Answers(competitor_domains=["http://rival.com/"])


def test_naming_template_must_name_the_segment() -> None:
    assert Answers(naming="{category}: {name}").list_name("Core", "All Partners") == "Core: All Partners"
    with pytest.raises(ValidationError, match="must contain"):
        Answers(naming="[{category}]")
    with pytest.raises(ValidationError, match="may only use"):
        Answers(naming="{name} {owner}")


def test_active_window_longer_than_disengaged_threshold_is_refused() -> None:
    with pytest.raises(ValidationError, match="both Highly Engaged and Disengaged"):
        Answers(signals=[Signal(kind="website_visit", window_days=200)])
