"""Text cleaning: HTML → text, quotes, signatures, Slack mrkdwn, sanitising for display."""

from __future__ import annotations

from coi.text import (
    html_to_text,
    own_words,
    plain_to_text,
    quoted_words,
    sanitize_html,
    slack_to_text,
)


def test_paragraphs_lists_entities_links():
    text = html_to_text("<p>Hi&nbsp;all,</p><ul><li>one &amp; two</li><li>three</li></ul>"
                        "<p>See <a href='https://example.org/x'>this</a>.</p>")
    assert text == "Hi all,\n\n- one & two\n- three\n\nSee this (https://example.org/x)."


def test_blockquotes_become_quote_lines_and_are_not_own_words():
    text = html_to_text("<blockquote><p>Earlier point</p></blockquote><p>My reply</p>")
    assert text == "> Earlier point\n\nMy reply"
    assert own_words(text) == "My reply" and quoted_words(text) == "Earlier point"


def test_scripts_and_styles_never_reach_text():
    text = html_to_text("<p>ok</p><script>alert('x')</script><style>p{}</style>")
    assert text == "ok"


def test_email_style_quotes_headers_and_signatures():
    text = plain_to_text("On Tue, 5 Mar, Ana wrote:\n> the old text\n\nI disagree.\n-- \n"
                         "Ben Okoye\nAutomation lead | +44 20 7946 0000")
    assert text == "> On Tue, 5 Mar, Ana wrote:\n> the old text\n\nI disagree."
    assert plain_to_text("Thanks!\n\nSent from my iPhone") == "Thanks!"
    assert plain_to_text("Cheers,\nAna") == "Cheers,\nAna"  # a closure is social presence


def test_slack_mrkdwn():
    users = {"U1": "Ana Ruiz"}
    text = slack_to_text("<@U1> *bold* _it_ ~no~ <https://x.org|x> &lt;tag&gt; <!channel>",
                         users)
    assert text == "@Ana Ruiz bold it no x (https://x.org) <tag> @channel"


def test_sanitize_removes_active_content():
    dirty = ('<p onclick="steal()">hi</p><script>alert(1)</script><img src=x onerror=alert(1)>'
             '<a href="javascript:alert(1)">a</a><a href="https://ok.org">b</a>'
             '<div style="background:url(javascript:alert(1))">c</div><iframe src="//x"></iframe>')
    clean = sanitize_html(dirty)
    for bad in ("script", "onerror", "onclick", "javascript:", "style=", "<img", "iframe"):
        assert bad not in clean
    assert 'href="https://ok.org"' in clean and "noopener" in clean
