"""Sentences that carry no theme: pleasantries and context a respondent adds around a point.

Trained as negatives for every theme (corpus.py), so that "No further comments." or "I've been
in this job for six years" in a long answer does not pull a theme in. Written by us for this
purpose, in the four stakeholder voices; none is taken from the evaluation set.
"""

SENTENCES = (
    "No further comments.",
    "Thanks for asking.",
    "I've been in this job for about six years now.",
    "Nothing else to add really.",
    "That's all I can think of at the moment.",
    "Hope this helps.",
    "I work three days a week.",
    "It's hard to say.",
    "Um, let me think about that for a second.",
    "I'm not sure what else to say.",
    "We're a team of about twelve people.",
    "I started in March last year.",
    "Overall it's been an experience, I suppose.",
    "Good question.",
    "I'll try to keep this short.",
    "Happy to talk more if that's useful.",
    "I live with my partner and two kids.",
    "I mostly answered these questions on my lunch break.",
    "You know what I mean.",
    "Yeah, so, where do I start.",
    "That's my honest opinion.",
    "Not much to report.",
    "I think I covered everything above.",
    "We're based in the north of the county.",
    "N/A",
    "No comment.",
    "Same as my previous answer.",
    "I've answered this already in the last box.",
    "Before this I worked in a different department.",
    "My background is in nursing.",
    "Anyway, that's enough from me.",
    "Sorry this is a bit long.",
    "I did the survey because my manager asked us to.",
    "We had a meeting about this last week.",
    "It's been a busy year for everyone.",
    "I'm writing this on my phone.",
    "Thank you for your time.",
    "Nothing comes to mind.",
    "Can't think of anything.",
    "I'm one of the newer members of the team.",
)
