"""Realistic web-page boilerplate to wrap real article text with, at known places.

Every block function takes the page's ``random.Random`` (so a seeded generator
gives the same page every time) and ``headlines``, real titles of other
documents of the same corpus (for "related stories" lists, link slugs, tags),
and returns the lines of one block: a nav bar, a cookie banner, a footer, ...
Some blocks are easy for heuristics (``Home | News | Sport``), some are not
(``untuned_block``): the set is meant to measure recall, not to flatter a rule set.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Sequence

SITES = ("The Daily Courier", "Northern Star Online", "Metro Herald", "Coastal Times",
         "The Evening Post", "Valley News Network", "Capital Observer", "Harbour Gazette")
SECTIONS = ("Home", "News", "World", "Politics", "Business", "Sport", "Science", "Health",
            "Entertainment", "Opinion", "Technology", "Travel", "Weather", "Video", "Contact Us")
NAV_SEPARATORS = (" | ", " · ", " » ", " • ", " / ")
SOCIAL = ("Facebook", "Twitter", "LinkedIn", "WhatsApp", "Email", "Reddit", "Pinterest")
JUNK_RUNS = ("*&╚ ", "■■■ ", "▓▒░ ", "\ufffd\ufffd ", "╔═╗ ", "●●● ", "═══════ ",
             "|||||| ", "**** ", "~#~#~ ", "<<<>>> ", "\u2022\u2022\u2022 ")


def _site(rng: random.Random) -> str:
    return rng.choice(SITES)


def _domain(site: str) -> str:
    return "www." + "".join(c for c in site.lower() if c.isalnum()) + ".com"


def nav_bar_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    items = rng.sample(SECTIONS, rng.randint(4, 8))
    return [rng.choice(NAV_SEPARATORS).join(items)]


def breadcrumb_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    trail = ["Home"] + rng.sample(SECTIONS[1:12], rng.randint(1, 2))
    lead = rng.choice(("", "You are here: "))
    return [lead + rng.choice((" » ", " > ", " / ")).join(trail)]


def skip_link_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    return [rng.choice(("Skip to main content", "Skip to content", "Jump to navigation"))]


def menu_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    last = rng.choice(("Search", "Log in", "Subscribe"))
    return ["Menu"] + rng.sample(SECTIONS, rng.randint(4, 7)) + [last]


def cookie_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    text = rng.choice((
        "We use cookies to ensure that we give you the best experience on our website. "
        "If you continue to use this site we will assume that you are happy with it.",
        "This website uses cookies to improve your experience. By continuing to use this site "
        "you consent to our use of cookies.",
        "Our site uses cookies and similar technologies. See our Cookie Policy for details.",
    ))
    buttons = rng.choice((["Accept"], ["Accept all", "Manage cookies"], ["Got it"], []))
    return [text] + buttons


def share_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    targets = rng.sample(SOCIAL, rng.randint(2, 4))
    style = rng.randint(0, 2)
    if style == 0:
        return ["Share this article"] + [f"Share on {t}" for t in targets[:2]]
    if style == 1:
        return ["Share: " + " | ".join(targets)]
    return ["Share this:", " ".join(targets)]


def advert_lines(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    return [rng.choice(("Advertisement", "ADVERTISEMENT", "Sponsored content"))]


def subscribe_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    site = _site(rng)
    return rng.choice((
        [f"Sign up for the {site} newsletter and get the day's top stories in your inbox.",
         "Enter your email address", "Subscribe"],
        ["Subscribe to our newsletter", "Get the latest news delivered to your inbox every morning."],
        [f"Like what you read? Subscribe now to {site} for unlimited access."],
    ))


def follow_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    targets = rng.sample(SOCIAL[:4], 2)
    return [rng.choice((f"Follow us on {targets[0]} and {targets[1]}",
                        f"Follow us on {targets[0]}: @{_domain(_site(rng))[4:-4]}",
                        f"Like us on {targets[0]} for more stories like this"))]


def link_list_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    domain = _domain(_site(rng))
    slugs = ["-".join("".join(c for c in title.lower() if c.isalnum() or c == " ").split()[:8])
             for title in rng.sample(list(headlines), min(len(headlines), rng.randint(2, 4)))]
    return [f"https://{domain}/news/{slug}-{rng.randint(1000, 9999)}" for slug in slugs]


def related_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    """Related headlines without links: hard for any line heuristic."""
    picked = rng.sample(list(headlines), min(len(headlines), rng.randint(2, 4)))
    return [rng.choice(("Related Articles", "More stories", "You may also like"))] + picked


def byline_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    day, month = rng.randint(1, 28), rng.choice(("January", "March", "June", "October"))
    return [rng.choice((
        f"Posted by Staff Reporter on {month} {day}, 2002 | {rng.randint(0, 40)} Comments",
        f"Published {day} {month} 2002 | Updated {rng.randint(1, 12)} hours ago",
        f"Tags: {', '.join(rng.choice(list(headlines)).lower().split()[:3])}",
        f"Photo: {rng.choice(('Reuters', 'AP', 'Getty Images', 'AAP'))}",
    ))]


def footer_nav_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    items = ["About Us", "Contact", "Privacy Policy", "Terms of Use", "Advertise", "Careers", "Sitemap"]
    return [rng.choice(NAV_SEPARATORS).join(rng.sample(items, rng.randint(3, 6)))]


def copyright_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    site, year = _site(rng), rng.randint(1999, 2024)
    return [rng.choice((f"© {year} {site}. All rights reserved.",
                        f"Copyright © {year} {site} Ltd",
                        f"Copyright (c) {year} {site}. All Rights Reserved. Powered by WordPress"))]


def divider_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    return [rng.choice(("=" * rng.randint(8, 40), "-" * rng.randint(8, 40), "* * *", "_" * 30, "~" * 20))]


def comments_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    return [rng.choice(("Leave a Reply", "Leave a comment", "Comments (0)", "Loading comments..."))]


def untuned_block(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    """Boilerplate written after the rules were tuned and never tuned against
    (author bios, app promos, reading times, ...): an honest recall check."""
    site = _site(rng)
    return [rng.choice((
        f"Jane Marsh is a senior reporter at {site} covering courts and crime.",
        "Download our app for iPhone and Android",
        f"{rng.randint(2, 9)} min read",
        "Listen to this article",
        f"Image {rng.randint(1, 5)} of {rng.randint(6, 14)}",
        "Click to enlarge",
        "Report an error",
        f"Topics: {rng.choice(list(headlines)).split()[0]}",
        "Want more stories like this? Get our free morning briefing.",
        "Comments are closed.",
    ))]


Block = Callable[[random.Random, Sequence[str]], list[str]]
TOP_BLOCKS: tuple[Block, ...] = (skip_link_block, nav_bar_block, breadcrumb_block, menu_block,
                                 cookie_block)
MIDDLE_BLOCKS: tuple[Block, ...] = (advert_lines, share_block, related_block, byline_block,
                                    divider_block, untuned_block)
BOTTOM_BLOCKS: tuple[Block, ...] = (share_block, subscribe_block, follow_block, link_list_block,
                                    related_block, comments_block, footer_nav_block, copyright_block,
                                    cookie_block, untuned_block)


def junk_run(rng: random.Random) -> str:
    return rng.choice(JUNK_RUNS)
