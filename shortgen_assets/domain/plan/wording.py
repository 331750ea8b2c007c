"""The offline planner's words: hook lines per family, scene looks per style, trend lines.

Several wordings per family and looks per style, so each job of a theme can pick its own.
"""

# style -> (what the footage can look like, how scenes change); each job picks its own looks
STYLE_LOOKS = {
    "talking-head": (
        (
            "a presenter speaking to camera in a bright, natural setting",
            "a friendly face talking straight to camera at a kitchen table",
            "a creator filming a selfie-style explainer by a window",
        ),
        "cut",
    ),
    "montage": (
        (
            "a fast montage of close-ups and lifestyle b-roll",
            "quick handheld cuts of everyday moments and product details",
            "rhythmic jump cuts between hands, faces and places",
        ),
        "cut",
    ),
    "text-heavy": (
        (
            "bold kinetic typography over clean gradient backgrounds",
            "big stacked words popping over flat colour fields",
            "minimal captions sliding across soft abstract shapes",
        ),
        "slide",
    ),
    "cinematic": (
        (
            "cinematic slow-motion shots, shallow depth of field, warm light",
            "moody dusk light, long lenses and slow camera pushes",
            "sweeping wide shots fading into soft-focus details",
        ),
        "fade",
    ),
    "tutorial": (
        (
            "step-by-step hands-on close-ups and screen captures",
            "over-the-shoulder shots of each step, clearly lit",
            "top-down desk view with hands showing how it works",
        ),
        "slide",
    ),
    "animation": (
        (
            "colourful motion-graphics animation",
            "playful flat illustrations that bounce and morph",
            "glowing geometric shapes assembling into scenes",
        ),
        "zoom",
    ),
}
PLATFORM_TAGS = {"youtube_shorts": "shorts", "tiktok": "fyp", "reels": "reels"}
# (family, substrings of the analyzer's hook-type name); the first match wins
HOOK_FAMILIES = (
    ("warning", ("stop", "warn", "mistake", "never", "dont")),
    ("question", ("question", "ask", "why")),
    ("pov", ("pov", "relatab")),
    ("howto", ("how", "tutorial", "tip", "hack", "guide", "step")),
    ("number", ("number", "list", "stat", "count", "top")),
    ("curiosity", ("secret", "reveal", "curio", "nobody", "surpris", "shock")),
    ("story", ("story", "storytime")),
    ("challenge", ("challenge", "tried", "test")),
)
HOOKS = {
    "warning": (
        "Stop scrolling if you have not tried {product} yet.",
        "Stop doing it the hard way: meet {product}.",
        "Do not scroll past {product}.",
    ),
    "question": (
        "Why is everyone switching to {product}?",
        "Have you heard about {product} yet?",
        "What does {product} actually do?",
    ),
    "pov": (
        "POV: you just discovered {product}.",
        "POV: you finally tried {product}.",
        "POV: {product} just changed your day.",
    ),
    "howto": (
        "Here is how {product} makes it easy.",
        "Watch how {product} works in real life.",
        "This is how to get more out of {product}.",
    ),
    "number": (
        "Give me {seconds} seconds to show you {product}.",
        "{seconds} seconds, one reason to try {product}.",
        "Three things to know about {product}.",
    ),
    "curiosity": (
        "Nobody tells you this about {product}.",
        "The idea behind {product} is simpler than you think.",
        "Here is what makes {product} different.",
    ),
    "story": (
        "This is the story of {product}.",
        "It started with one problem, and {product} solved it.",
        "Here is why {product} exists.",
    ),
    "challenge": (
        "I put {product} to the test.",
        "Can {product} really deliver? Let's see.",
        "One week with {product}: here is what happened.",
    ),
    "statement": ("Meet {product}.", "This is {product}.", "Say hello to {product}."),
}
# hook families a theme-led plan takes turns with (no trend to copy): broad, product-first
THEME_HOOK_ORDER = ("question", "curiosity", "howto", "pov", "number", "story")
HOOK_ROTATION = 4  # how many families successive jobs take turns with
TREND_LINES = (
    "Right now, feeds are full of {topics}.",
    "Trending this week: {topics}.",
    "Viewers keep coming back to {topics}.",
)
