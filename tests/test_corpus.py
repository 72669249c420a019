"""The bootstrap corpus: counts, settings, splits by thread, coverage of codes, reliability."""

from __future__ import annotations

from coi import corpus

SETTINGS = {"workplace", "university", "mooc", "professional_development"}


def test_size_and_structure():
    posts = corpus.load()
    assert posts["thread_id"].nunique() >= 250 and len(posts) >= 4000
    assert set(posts["setting"]) == SETTINGS
    assert posts.groupby("thread_id")["is_starter"].sum().eq(1).all()
    assert (posts["depth"] >= 0).all() and posts["created_at"].notna().all()
    assert set(posts["role"]) <= {"instructor", "facilitator", "student", "unknown"}


def test_split_is_by_thread_and_stratified_by_setting():
    posts = corpus.load()
    assert posts.groupby("thread_id")["split"].nunique().eq(1).all()
    per_setting = posts.groupby(["setting", "split"])["thread_id"].nunique().unstack()
    assert (per_setting["train"] > per_setting["dev"]).all()
    assert (per_setting[["dev", "test"]] >= 8).all().all()
    assert set(corpus.load("test")["thread_id"]).isdisjoint(corpus.load("train")["thread_id"])


def test_every_code_is_represented():
    posts = corpus.load()
    for column in ("sp_affective", "sp_interactive", "sp_cohesive", "tp_design",
                   "tp_facilitation", "tp_direct", "needs_reply"):
        assert posts[column].sum() >= 30, column
    assert posts["cp_phase"].value_counts().min() >= 100
    assert set(posts["cp_phase"]) == {"other", "triggering", "exploration", "integration",
                                      "resolution"}
    assert posts["activity"].nunique() == 8


def test_two_independent_coders_and_negotiated_codes_kept():
    codes = corpus.codes()
    assert codes.groupby("post_id")["coder"].apply(set).eq(
        {"coder_a", "coder_b", "negotiated"}).all()
    table = corpus.agreement()
    assert (table["kappa_before"] >= 0.6).all()
    disputed = table.loc["cp_phase", "disputed_units"]
    assert disputed > 0  # the coders really disagreed somewhere, and it was negotiated


def test_negotiated_code_is_one_of_the_coders_codes():
    codes = corpus.codes().set_index(["post_id", "coder"])["cp_phase"].unstack()
    assert ((codes["negotiated"] == codes["coder_a"]) | (codes["negotiated"] == codes["coder_b"])
            ).all()
