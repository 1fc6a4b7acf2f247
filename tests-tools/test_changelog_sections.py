"""How a release's changelog section is put together (tools/release.py)."""

from __future__ import annotations

from tools.release import merge_sections, new_changelog

RENDERED = "## 0.2.0 (2026-01-02)\n\n### Fixed\n\n- Fixed a.\n\n### Changed\n\n- Changed b.\n"
WRITTEN = "### Added\n- Added c.\n\n### Changed\n- Changed d.\n"


def test_hand_written_subsections_join_the_rendered_ones_of_the_same_name() -> None:
    merged = merge_sections(RENDERED, WRITTEN)
    assert merged.count("### Changed") == 1
    assert merged == (
        "## 0.2.0 (2026-01-02)\n\n### Fixed\n\n- Fixed a.\n\n"
        "### Changed\n\n- Changed b.\n- Changed d.\n\n### Added\n\n- Added c.\n"
    )


def test_the_new_section_replaces_unreleased_and_precedes_older_releases() -> None:
    changelog = (
        "# Changelog of x\n\nIntro.\n\n## Unreleased\n\n### Added\n- c\n\n"
        "## 0.1.0 (2025-01-01)\n\n- first\n"
    )
    updated = new_changelog(changelog, "## 0.2.0 (2026-01-02)\n\n### Added\n\n- c\n")
    assert "## Unreleased" not in updated
    assert updated.index("## 0.2.0") < updated.index("## 0.1.0 (2025-01-01)")
    assert updated.startswith("# Changelog of x\n\nIntro.\n\n## 0.2.0")
