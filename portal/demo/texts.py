"""Invented open-ended feedback about implementing iCBT, for the demo world.

Every phrasing here was written for the demo; none comes from a real person. Phrasings are
clauses without a final full stop, so they can be joined with "but", "and" or "so"; they may
use the slots {programme} ("the depression programme") and {product} ("MindStep").
"""

import random
import re

GROUPS = ("therapist", "service_manager", "vendor", "patient")
POLARITIES = ("barrier", "facilitator", "neutral")

# Therapists: my caseload, my patients, supervision.
_THERAPIST: dict[str, dict[str, tuple[str, ...]]] = {
    "tech_bugs": {
        "barrier": (
            "Half my patients can't log in the first time and I end up spending the review call "
            "resetting passwords",
            "The app keeps crashing on Android, so patients give up before they've finished the "
            "first module",
            "My messages to patients don't always arrive, and I only find out weeks later when "
            "they say they never heard from me",
            "The worksheets sometimes don't save, so patients lose what they've typed and "
            "understandably get fed up",
            "There was an outage on a Monday morning and I had no way of seeing who had logged in",
            "Notifications go out at odd hours or not at all, which confuses my patients",
            "The two-factor code often arrives after it has already expired",
        ),
        "facilitator": (
            "Since the last update the login problems have mostly gone away",
            "It has been stable for months now and I can't remember the last crash",
            "When something did break, it was fixed within a day",
            "Messages come through reliably now, which wasn't the case at the start",
            "The app works fine on the older phones a lot of my patients have",
            "The password reset finally works without me having to step in",
        ),
        "neutral": (
            "I've had the odd login issue, nothing more than with any other system",
            "Patients occasionally report glitches but I can't tell if it's the app or their phone",
            "There was one outage last year and I'm not aware of any since",
            "I log any bugs with our admin team and they pass them on",
            "Some patients mention the app being slow on their phone, though I haven't seen it "
            "myself",
            "Technical problems come up now and then, about as often as with our other systems",
        ),
    },
    "usability": {
        "barrier": (
            "The clinician dashboard is cluttered and it takes me ages to find who needs a review",
            "Patients tell me they get lost between modules and don't know what to do next",
            "It takes too many clicks to send a simple message",
            "The layout looks dated and some of my younger patients say it feels like a school "
            "website",
            "The text is small and there's a lot of it, which is hard going for patients with "
            "poor concentration",
            "I still can't work out how to see a patient's worksheets without opening every module",
        ),
        "facilitator": (
            "The supporter view is clear and I can see at a glance who has logged in",
            "Patients pick it up quickly and rarely ask me how it works",
            "It looks modern and friendly, which helps patients take it seriously",
            "Everything I need for a review is on one page",
            "The new navigation makes it obvious which module is next",
            "It's simple enough that even patients who don't use computers much get on with it",
        ),
        "neutral": (
            "The interface is much like other NHS digital tools",
            "Patients vary; some find it intuitive and others need a walkthrough",
            "It took me a couple of weeks to get used to the layout",
            "I mostly use the review screen and not much else",
            "The look and feel changed in the last update and I haven't made my mind up yet",
            "Navigation is fine once you know where things are",
        ),
    },
    "integration_it": {
        "barrier": (
            "Nothing links to our records system, so I copy every review into the notes by hand",
            "I have to log into a separate system with a different password because single "
            "sign-on never happened",
            "The trust network blocks the videos, so I can't show patients around in session",
            "Outcome measures have to be typed in twice, once in {product} and once in our own "
            "system",
            "Our work laptops are so locked down that the site sometimes won't load",
        ),
        "facilitator": (
            "Since single sign-on came in I can get into {product} from the records system in one "
            "click",
            "Scores now flow into the records system automatically, which saves a lot of copying",
            "Referrals come straight across from our system, so I don't need to set patients up "
            "by hand",
            "It runs fine on the trust laptops and on the new work phones",
        ),
        "neutral": (
            "We still run {product} alongside the records system rather than inside it",
            "I use a work laptop for reviews and I'm not sure whether it links to anything else",
            "IT are looking at linking it to the records system but I haven't heard more",
            "I access it through the browser like any other website",
        ),
    },
    "time_workload": {
        "barrier": (
            "With a caseload of 40 there's simply no time to do proper reviews",
            "Each review is supposed to take ten minutes but realistically it's closer to "
            "twenty-five",
            "Reviews get squeezed in between face-to-face sessions or done at lunchtime",
            "Online patients are counted as if they were no work at all, which they're not",
            "Chasing patients who haven't logged in eats up a lot of my week",
            "I end up doing messages in the evening because there's no slot for them in my diary",
            "The admin around each online patient adds up quickly on top of a full caseload",
        ),
        "facilitator": (
            "Reviews take me about ten minutes each, so I can support more patients than face to "
            "face",
            "I can do reviews when it suits me rather than at a fixed appointment time",
            "It has freed up time for the patients who really need face-to-face sessions",
            "Writing messages has got quicker now that I have a few templates of my own",
            "Having a set morning for reviews means they don't spill into the rest of the week",
            "Online cases take less time than I expected once you get into a rhythm",
        ),
        "neutral": (
            "I have about 12 online patients on my caseload at the moment",
            "Reviews take me somewhere between ten and twenty minutes depending on the patient",
            "How much time it takes really depends on how much the patient writes",
            "I do my reviews on Tuesday and Thursday mornings",
            "Time per patient is roughly what I expected",
            "I haven't timed it, but online patients probably take less time than face-to-face "
            "ones",
        ),
    },
    "costs_funding": {
        "barrier": (
            "We only get a limited number of licences, so patients wait for the online option",
            "Every year there's a worry about whether the licence will be renewed, which makes it "
            "hard to plan",
            "Patients have to pay for the extra features, which isn't fair on those with low "
            "incomes",
            "I've been told there's no money for the extra modules we asked for",
        ),
        "facilitator": (
            "The service pays for the licences, so I can offer it to anyone who fits",
            "It's free for patients, which removes a barrier for a lot of them",
            "Extra licences were bought when the waiting list grew, so I haven't had to turn "
            "anyone away",
            "Knowing the licence is funded for three years lets me build it into how I work",
        ),
        "neutral": (
            "I don't know how much the licences cost, that's decided above me",
            "I believe the licences are paid for centrally",
            "Funding is a management question and I just use the licences we have",
            "We were told the licence is up for renewal next year",
        ),
    },
    "training_needs": {
        "barrier": (
            "The training was one afternoon on Teams and I was left to work the rest out myself",
            "No one explained how to write a good supporter message",
            "New staff get shown the system by whoever happens to be free, so everyone does it "
            "differently",
            "The training was about where to click, not how to support someone online",
            "I've never had supervision that covers my online cases",
            "The training was good but there is no time to use it",
            "I asked for refresher training months ago and nothing has happened",
        ),
        "facilitator": (
            "The training from the supplier was practical and I felt ready to start straight away",
            "Supervision now includes my online cases, which has really helped",
            "Watching a colleague do reviews taught me more than any manual",
            "The short refresher videos are useful when I've forgotten how something works",
            "Role-playing difficult messages in training gave me confidence",
            "I got a proper induction with examples of good and bad messages",
        ),
        "neutral": (
            "I did the standard training when I joined the team",
            "We had a two-hour session from the supplier at the start",
            "Training is mainly the online course plus whatever comes up in supervision",
            "I think there's a refresher course but I haven't done it yet",
            "Online cases come up in supervision now and then",
            "I learned most of it as I went along",
        ),
    },
    "information_evidence": {
        "barrier": (
            "I couldn't find any evidence for {programme} in older adults when a patient asked me",
            "The clinician guide is out of date and refers to modules that no longer exist",
            "I don't know what's in each module in enough detail to recommend it confidently",
            "There's no simple summary of the research that I can give to patients",
        ),
        "facilitator": (
            "The summary of trial results helps me explain why it's worth trying",
            "There's a clear description of each module, so I know what my patients are working on",
            "The clinician handbook answers most of my questions",
            "Knowing it's recommended by NICE makes it easier to suggest to patients",
        ),
        "neutral": (
            "I've read some of the studies on {programme} but not all of them",
            "Most of what I know about the programme came from the training",
            "There's a handbook on the shared drive and I've looked at it once or twice",
            "Patients sometimes ask about the evidence and I refer them to the website",
        ),
    },
    "patient_fit": {
        "barrier": (
            "It doesn't work well for my patients with more complex presentations",
            "Patients with low literacy struggle with the amount of reading",
            "The modules are very manualised and I can't adjust them to the person in front of me",
            "It assumes everyone has a smartphone and a quiet place at home, and many of my "
            "patients don't",
            "Patients with English as a second language find it hard going",
        ),
        "facilitator": (
            "It suits patients with mild to moderate symptoms who like working at their own pace",
            "Shift workers on my caseload find it easier than coming to appointments",
            "It's a good fit for people who feel awkward talking face to face",
            "Younger patients in particular take to it well",
            "I can choose which modules to unlock, so I can fit it to the patient a bit",
        ),
        "neutral": (
            "I mostly offer {programme} to patients with mild to moderate symptoms",
            "Whether it fits really depends on the person",
            "We screen for suitability at assessment",
            "I tend to offer it to patients who are already working",
        ),
    },
    "blended_role": {
        "barrier": (
            "Patients are sometimes offered {product} instead of therapy when what they need is "
            "both",
            "There's no easy way to bring what they've done online into our sessions",
            "I worry it's being used to replace therapists rather than support us",
            "When I see patients face to face I have no idea what they've done online",
        ),
        "facilitator": (
            "I use the worksheets between sessions and it makes the face-to-face time more focused",
            "It works best as a supplement to therapy rather than a substitute",
            "Combining it with a few face-to-face sessions works well for my patients",
            "Patients come to sessions having already done the groundwork online",
        ),
        "neutral": (
            "Some of my patients use it on its own and some alongside sessions",
            "I see it as one tool among several",
            "We're still working out where it sits next to face-to-face therapy",
            "I mostly use it as homework between sessions",
        ),
    },
    "patient_engagement": {
        "barrier": (
            "A lot of my patients drop out after the second module",
            "Patients log in once and then never come back",
            "Without a fixed appointment my patients lose motivation",
            "It's hard to re-engage someone who has gone quiet online",
            "Patients tell me they don't know how much to do each week, so they end up doing "
            "nothing",
            "Engagement drops off sharply once the novelty wears off",
        ),
        "facilitator": (
            "Patients who get a weekly message from me tend to keep going",
            "Most of my patients complete at least four modules",
            "Setting a regular review day helps patients keep to a routine",
            "Patients like seeing their progress, which keeps them going",
            "When I agree a plan for the week with them, they stick to it much better",
            "Reminder texts have made a noticeable difference to how many keep going",
        ),
        "neutral": (
            "Engagement varies a lot from patient to patient",
            "Some patients do everything in a week and others take months",
            "I check who has logged in before each review",
            "About half of my patients finish {programme}",
            "Completion on my caseload is about the same as the team average",
            "I track logins but I'm not sure how much they tell me",
        ),
    },
    "data_protection": {
        "barrier": (
            "I'm not sure who at the supplier can read my patients' messages",
            "Patients ask where their data is stored and I can't give them a straight answer",
            "The data sharing agreement was never explained to us",
            "I'm uncomfortable that patients log in on shared family computers",
        ),
        "facilitator": (
            "We were given a clear explanation of GDPR and who can access the data",
            "Two-factor login reassures patients that their information is safe",
            "The data sharing agreement is clear and I can point patients to it",
            "The data stays on UK servers, which patients find reassuring",
        ),
        "neutral": (
            "Patients rarely ask about data protection",
            "I assume the information governance team has checked all of it",
            "There's a privacy notice patients accept when they sign up",
            "Data protection came up briefly in the training",
        ),
    },
    "clinical_risk": {
        "barrier": (
            "A patient sent a crisis message on a Friday evening and nobody saw it until Monday",
            "There's no alert when a patient's scores get worse, so I can miss deterioration",
            "I'm worried about managing risk when I never see the patient in person",
            "Patients can write about self-harm in a worksheet and it isn't flagged",
            "It's not clear who is responsible for risk between reviews",
        ),
        "facilitator": (
            "The automatic alert when the PHQ-9 risk item goes up means I can call the same day",
            "The risk protocol is clear and I know exactly what to do when a flag comes in",
            "Patients are told clearly that messages aren't read out of hours and where to go in "
            "a crisis",
            "Risk is reviewed in supervision for all my online cases",
        ),
        "neutral": (
            "Risk is assessed at the start just as for any other patient",
            "I check the risk questions at every review",
            "Out-of-hours crisis contacts are listed in the programme",
            "We follow the same risk policy as for face-to-face work",
        ),
    },
    "clinician_attitudes": {
        "barrier": (
            "Some of my colleagues see it as second-rate therapy and don't really offer it",
            "I was sceptical that you can build a relationship through messages, and I still am",
            "There's a feeling in the team that online work isn't proper therapy",
            "Senior therapists tend to steer patients away from it",
            "I don't think it works as well as face to face, so I don't push it",
            "Some colleagues see it as a way of cutting corners",
        ),
        "facilitator": (
            "I was doubtful at first but seeing patients improve changed my mind",
            "Most of the team are enthusiastic about it now",
            "I believe in it and I think patients pick up on that",
            "Hearing positive stories from colleagues made me more open to it",
            "I now see it as a real option rather than a last resort",
            "The team is much more open to online work than a couple of years ago",
        ),
        "neutral": (
            "Opinions in the team are mixed",
            "Some colleagues like it and others prefer face to face",
            "I'm neither for nor against it, it's another option",
            "My view of online therapy has stayed about the same",
            "It depends who you ask in the team",
            "I think most people are still making up their minds about it",
        ),
    },
    "leadership_management": {
        "barrier": (
            "Management introduced it without asking us and then moved on to the next thing",
            "Nobody in management seems to know how it works day to day",
            "There's been no champion in the team since the last one left",
            "My manager talks about targets for online referrals but never about the support we "
            "need",
            "Decisions about {product} are made above us and we find out last",
            "Our lead is supportive in principle but doesn't follow through",
        ),
        "facilitator": (
            "My manager protects time for reviews and checks in with us about how it's going",
            "We have a champion in the team who answers questions and keeps things going",
            "Management listened when we raised problems and took them to the supplier",
            "Our clinical lead uses it with her own patients, which says a lot",
            "The service lead made it clear that online work is valued",
            "Having someone senior backing it made a real difference",
        ),
        "neutral": (
            "Our team lead oversees the online work",
            "Management review the numbers every quarter",
            "There's a named lead for digital in the service",
            "I don't have much contact with management about it",
            "The service manager mentioned it at the last away day",
            "Decisions about {product} go through the clinical lead",
        ),
    },
    "work_structures": {
        "barrier": (
            "There's no protected time for reviews in my diary",
            "The referral pathway for online treatment is unclear, so patients end up in the "
            "wrong place",
            "Nobody is sure who picks up patients when their supporter is on leave",
            "Online cases aren't counted properly in our job plans",
            "Handovers between the online and face-to-face teams are messy",
        ),
        "facilitator": (
            "We have a set review slot every morning, which makes it manageable",
            "There's a clear pathway from assessment to online treatment",
            "Cover for online patients during leave is now arranged in advance",
            "A dedicated admin sets patients up, so I can focus on the clinical side",
        ),
        "neutral": (
            "Online patients are allocated the same way as face-to-face ones",
            "Reviews are fitted into our normal diary",
            "We have a weekly allocation meeting that includes online cases",
            "Each of us has a few online patients alongside our other work",
        ),
    },
    "vendor_relationship": {
        "barrier": (
            "When I report a problem it disappears into the supplier's system and I never hear "
            "back",
            "I never got a reply from the supplier about the broken worksheet",
            "We have no direct contact with the company and everything goes through one manager",
            "Our suggestions don't seem to make any difference to {product}",
        ),
        "facilitator": (
            "The supplier's support team replies quickly and actually fixes things",
            "It's good to see our feedback turn up in new versions of {product}",
            "The account manager visits the team and listens to us",
            "I can email the supplier directly and usually get an answer within a day",
        ),
        "neutral": (
            "I don't have any direct contact with the supplier",
            "Problems are reported to the supplier through our admin team",
            "The supplier sends out a newsletter with updates",
            "I met someone from the company at the launch",
        ),
    },
    "external_drivers": {
        "barrier": (
            "The push from NHS digital targets feels like it's about numbers rather than patients",
            "The national target for online therapy puts pressure on us to refer people who "
            "aren't suitable",
            "After COVID the expectation is that we do more online with the same staff",
            "Policy keeps changing, so we're never sure how long it will be supported",
        ),
        "facilitator": (
            "COVID meant we moved online quickly and most of us got used to it",
            "The pandemic pushed everyone to try online work, and it stuck",
            "National guidance recommending digital therapy made it easier to offer",
            "NHS targets for digital therapy mean the service has put resources behind it",
        ),
        "neutral": (
            "We started using it during the pandemic",
            "There are national targets for digital therapy but I don't know the details",
            "The move online began with COVID",
            "NHS policy is heading towards more digital care",
        ),
    },
    "perseverance_experience": {
        "barrier": (
            "After two years it still feels like an add-on rather than part of the job",
            "Every time we get into a rhythm something changes and we start again",
            "I've stopped offering it much because it never really got easier",
            "People who were trained at the start have left and the experience went with them",
        ),
        "facilitator": (
            "It took a few months but now it's just part of the routine",
            "The more patients I support online, the more confident I get",
            "We stuck with it through the teething problems and it's paid off",
            "Reviews feel second nature now compared with the start",
        ),
        "neutral": (
            "I've been using it for about a year",
            "I've supported maybe thirty patients online so far",
            "I'm still fairly new to online work",
            "It has been in the service for a few years now",
        ),
    },
    "therapist_support": {
        "barrier": (
            "I don't have enough time to give patients the personal feedback they need",
            "My messages end up being generic because I'm rushing",
            "Patients tell me they'd like more contact than one message a week",
            "Some patients feel abandoned between reviews",
            "It's hard to show warmth in a short written message",
            "With my caseload, patients get a quick check rather than real support",
        ),
        "facilitator": (
            "Patients say my weekly message is what keeps them going",
            "A short personal message after each module makes a big difference",
            "I can build a surprisingly good relationship through messages",
            "Patients value knowing someone is reading what they write",
            "A quick phone call at the start makes the later messages feel more personal",
            "I try to respond to something specific each patient wrote, and they notice",
        ),
        "neutral": (
            "I send each patient a message after every review",
            "Support is mainly through written messages with the occasional phone call",
            "The amount of support depends on what the patient wants",
            "Patients get a review every week or fortnight",
            "I offer a phone call at the start and at the end of treatment",
            "Most of my contact with online patients is in writing",
        ),
    },
    "personalisation": {
        "barrier": (
            "The modules feel generic and patients say they don't see themselves in the examples",
            "I can't change the content to fit the person",
            "The examples are all about office jobs, which doesn't suit many of my patients",
            "Everyone gets the same order of modules regardless of their problems",
        ),
        "facilitator": (
            "I can pick the modules that fit each patient",
            "Patients can add their own examples, which makes it feel more relevant to them",
            "The optional modules mean I can tailor it to the person",
            "Being able to add my own notes to a module helps make it personal",
        ),
        "neutral": (
            "There's some choice of modules but the core content is fixed",
            "I occasionally add extra worksheets for particular patients",
            "Most patients follow the standard sequence",
            "Tailoring is mostly done through my messages rather than the content",
        ),
    },
}

# Service managers: my team, the budget, the board, commissioners.
_SERVICE_MANAGER: dict[str, dict[str, tuple[str, ...]]] = {
    "tech_bugs": {
        "barrier": (
            "My team lose time every week to login failures and password resets",
            "The app crashing on Android has generated complaints that I have to answer",
            "When messages don't arrive my team get the blame from patients",
            "The outage last month meant a whole day of reviews had to be rescheduled",
            "Bugs we reported months ago are still open, and my team have stopped reporting them",
            "Technical faults are the first thing my team mention in every meeting about {product}",
            "A failed data export meant I had to correct the figures we'd already given the board",
        ),
        "facilitator": (
            "Since the supplier fixed the login issue, complaints have dropped right off",
            "The platform has been stable this year, which makes my job easier",
            "Outages are rare and the supplier warns us in advance about maintenance",
            "Bugs are now fixed within days rather than months",
            "My team hardly mention technical problems any more",
            "The app now works on the older Android phones a lot of our patients use",
        ),
        "neutral": (
            "We log technical issues in a shared spreadsheet and pass them on to the supplier",
            "There have been a handful of outages since we went live",
            "I get a monthly summary of the tickets we've raised",
            "Technical problems come up about as often as with our other systems",
            "Most of the issues my team report are about logins",
            "Our admin lead collects the technical problems and sends them on",
        ),
    },
    "usability": {
        "barrier": (
            "Staff find the clinician screens clunky, and it puts new people off",
            "The reporting screens are hard to use, so I end up building my own spreadsheets",
            "Patients complain that {product} looks dated next to the apps they use every day",
            "My team say it takes too many clicks to do a simple review",
            "The manager view doesn't show me what I actually need",
            "Patients ring the service because they can't find their way around the site",
        ),
        "facilitator": (
            "The interface is straightforward, so new staff get going within a week",
            "Patients rarely contact us about how to use it",
            "The reporting dashboard gives me what I need for the board in a few clicks",
            "My team say the new design is much quicker to work with",
            "It looks professional, which helps when we present it to commissioners",
            "The patient side is easy enough that we don't need to write our own guides",
        ),
        "neutral": (
            "The interface is similar to other systems we use",
            "Staff opinions on the design vary",
            "I mainly use the reporting screens",
            "The supplier is redesigning the clinician view this year",
            "I haven't had much feedback on the look of it either way",
            "Patients seem to manage with it, from what I hear",
        ),
    },
    "integration_it": {
        "barrier": (
            "It doesn't talk to our patient record system, so my team enter everything twice",
            "Single sign-on has been promised for two years and still hasn't happened",
            "Trust IT took six months to approve it on the network",
            "Outcome data has to be exported by hand for our national returns",
            "Half the team's laptops can't run the video content",
        ),
        "facilitator": (
            "Integration with the records system means referrals and scores move across "
            "automatically",
            "Trust IT were involved from the start, which made the rollout smooth",
            "Single sign-on has saved my team a lot of frustration",
            "Data flows into our reporting without anyone re-keying it",
        ),
        "neutral": (
            "We run it as a standalone system alongside our records",
            "IT are assessing an integration with the records system",
            "Access is through the browser on trust laptops",
            "Our IT team manages user accounts for the platform",
        ),
    },
    "time_workload": {
        "barrier": (
            "My team's caseloads are already full and online patients are added on top",
            "Reviews take far longer than the ten minutes the supplier suggested",
            "I can't release staff for training without the waiting list going up",
            "The workload model doesn't count online cases properly, so staff feel overloaded",
            "Staff are doing reviews in their lunch breaks, which isn't sustainable",
            "We don't have enough clinical hours to support the number of patients we've signed up",
            "Sickness in the team means online reviews are the first thing to slip",
        ),
        "facilitator": (
            "Online treatment lets each clinician see more patients in the same hours",
            "Reviews are quick enough that we've brought our waiting list down",
            "Counting online cases in the caseload model made workloads fairer",
            "It has taken pressure off the face-to-face clinics",
            "Clinicians can do reviews flexibly, which helps the part-time staff",
            "We've freed up appointment slots for the patients who need them most",
        ),
        "neutral": (
            "Each clinician carries roughly ten online cases",
            "We estimate about fifteen minutes per review",
            "Online cases count as half a face-to-face case in our workload model",
            "We're reviewing how time for online work is allocated",
            "Time spent on online work varies a lot between clinicians",
            "I track review times through the platform reports",
        ),
    },
    "costs_funding": {
        "barrier": (
            "The licence renewal takes a big chunk of the budget and I have to fight for it every "
            "year",
            "Commissioners fund the licences but not the clinician time to support patients",
            "The per-patient fee goes up every year and the budget doesn't",
            "We can't afford the extra modules the team want",
            "Funding is only agreed a year at a time, so I can't plan beyond that",
        ),
        "facilitator": (
            "Commissioners agreed three years of funding, which gives us stability",
            "The cost per patient compares well with face-to-face therapy, and the board noticed",
            "The licence is funded centrally, so it doesn't come out of my budget",
            "We negotiated a better price at renewal because of our volumes",
            "Showing the savings helped us get the budget extended",
        ),
        "neutral": (
            "The licence is up for renewal next spring",
            "Funding comes through the commissioners",
            "We pay per patient rather than a flat fee",
            "The budget for digital therapy is reviewed every year",
            "Costs are reported to the board each quarter",
        ),
    },
    "training_needs": {
        "barrier": (
            "The supplier's training covered the software but not how to support patients online",
            "New starters have no formal training and learn from whoever is around",
            "I can't release my team for refresher training because of waiting list pressure",
            "There's no training for supervisors on overseeing online work",
            "Training was one session at launch and nothing since",
            "The training was good but my team had no time to put it into practice",
            "Staff turnover means half the team have never had the proper training",
        ),
        "facilitator": (
            "The training initiative we ran with the supplier made a real difference to confidence",
            "We now have an induction package for new starters, so everyone gets the same training",
            "Supervisors have been trained to include online cases in supervision",
            "Short regular refreshers keep skills up without taking people off the rota for long",
            "Our own champions now train new staff, which works better than outside trainers",
            "The training was tailored to our service, not just a generic demo",
        ),
        "neutral": (
            "All new clinicians do the online training module",
            "Training is arranged with the supplier once a year",
            "We're planning a refresher for the whole team",
            "Training records are kept by the admin team",
            "Supervision covers online cases when they come up",
            "We rely mostly on the supplier's training materials",
        ),
    },
    "information_evidence": {
        "barrier": (
            "Commissioners ask for local outcome data that we can't easily produce",
            "There's little evidence for some of the newer modules, which makes them hard to "
            "justify",
            "My team don't have a clear summary of what each programme covers",
            "The supplier's evidence is mostly from trials, not from services like ours",
        ),
        "facilitator": (
            "The evidence summary from the supplier helped me make the case to the board",
            "Our own recovery rates for online patients are as good as face to face",
            "Clear programme descriptions help my team choose the right one",
            "Being able to point to NICE guidance made the decision easier",
        ),
        "neutral": (
            "We share outcome data with commissioners every quarter",
            "The supplier publishes evidence summaries on its website",
            "I've read the main trial for {programme} but not much else",
            "We're collecting our own data on recovery rates",
        ),
    },
    "patient_fit": {
        "barrier": (
            "A large part of our population don't have reliable internet or a smartphone",
            "It's only available in English, which excludes many of the people we serve",
            "It doesn't suit the more complex patients we see, so uptake is limited",
            "The programmes don't cover some of the problems we see most, like long-term "
            "conditions",
        ),
        "facilitator": (
            "It suits people who work shifts or can't get to the clinic",
            "It has helped us reach younger people who wouldn't come in",
            "Being able to choose between programmes means we can offer something to most patients",
            "It works well for the mild to moderate patients who make up most of our referrals",
        ),
        "neutral": (
            "Suitability is decided at assessment",
            "We offer {programme} mainly for mild to moderate presentations",
            "About a third of our patients are offered the online option",
            "We don't offer it to patients with high risk or complex needs",
        ),
    },
    "blended_role": {
        "barrier": (
            "Commissioners seem to see it as a way to replace therapists, which worries my team",
            "We haven't worked out how online and face-to-face care fit together",
            "Patients stepping up from online to face to face have to start again",
            "There's no clear model for using it alongside sessions",
        ),
        "facilitator": (
            "We use it alongside face-to-face sessions and the team feels it adds to their work "
            "rather than replacing it",
            "Blending it with a few sessions has worked better than either on its own",
            "Using it between sessions has shortened some treatments",
            "The team sees it as a supplement rather than a substitute, which helped acceptance",
        ),
        "neutral": (
            "We offer it both as a standalone option and alongside sessions",
            "The blended model is being piloted in one of our teams",
            "It sits at step 2 in our stepped-care model",
            "We're discussing where it fits best in the pathway",
        ),
    },
    "patient_engagement": {
        "barrier": (
            "Drop-out after the first module is our biggest problem",
            "Completion rates are well below what the supplier promised",
            "Many referred patients never activate their account",
            "Patients lose motivation without a fixed appointment to aim for",
            "Our figures show a big drop-off once patients reach the longer modules",
            "A lot of patients go quiet after the assessment and we can't reach them",
        ),
        "facilitator": (
            "Completion has improved since we added a phone call at the start",
            "Reminder texts have cut drop-out noticeably",
            "Most patients who start go on to finish at least half of {programme}",
            "Patients engage better when the clinician agrees a weekly plan with them",
            "Our engagement figures are now better than for group therapy",
            "Since we introduced a welcome call, far more patients activate their accounts",
        ),
        "neutral": (
            "We monitor activation and completion each month",
            "Completion rates are similar to face-to-face treatment",
            "Engagement varies between teams",
            "About half of patients complete the programme",
            "We report drop-out figures to the board quarterly",
            "We're looking at why some patients never log in",
        ),
    },
    "data_protection": {
        "barrier": (
            "The data sharing agreement took months to sign, which delayed the rollout",
            "Our information governance team still has questions the supplier hasn't answered",
            "It's not clear where the data is hosted, which worries the board",
            "Getting GDPR sign-off for the new features has held everything up",
        ),
        "facilitator": (
            "The supplier gave us a complete data protection impact assessment, which made "
            "sign-off easy",
            "The data is hosted in the UK and the data sharing agreement is clear",
            "Information governance were involved early, so there were no surprises",
            "The supplier's security certification reassured the board",
        ),
        "neutral": (
            "The data sharing agreement is reviewed every year",
            "Information governance signed it off before we went live",
            "Patient data is held by the supplier under our agreement",
            "GDPR questions go to our data protection officer",
        ),
    },
    "clinical_risk": {
        "barrier": (
            "We have no cover for crisis messages sent on a Friday evening or at weekends",
            "The board is nervous about managing risk for patients we never see",
            "Risk alerts go to individual clinicians, so they're missed when someone is on leave",
            "There's no clear agreement with the supplier about who is responsible for risk",
        ),
        "facilitator": (
            "Automatic risk alerts go to a duty clinician every day",
            "Our risk protocol for online patients has been signed off and works well",
            "Patients are given clear crisis information when they sign up",
            "Risk incidents have been no higher than for face-to-face patients",
        ),
        "neutral": (
            "Risk is managed under the same policy as other treatments",
            "The duty worker checks flagged messages daily",
            "Risk is reviewed at assessment and at each review",
            "We had one serious incident review involving an online patient",
        ),
    },
    "clinician_attitudes": {
        "barrier": (
            "Some of my team see online therapy as second best and don't offer it",
            "Our most experienced therapists are the most resistant",
            "Negative attitudes in one team have kept their referral rates very low",
            "Staff worry it's a step towards replacing them",
            "A few clinicians openly talk patients out of it",
            "There's still a sense in the team that online work isn't real therapy",
        ),
        "facilitator": (
            "Once clinicians saw the outcomes, most of the sceptics came round",
            "My team are positive about it now and offer it as a real choice",
            "Enthusiastic staff have been our best advocates",
            "Clinicians who were doubtful now ask for more online cases",
            "The team's attitude has shifted a lot in the past year",
            "Staff now see it as part of the service, not an add-on",
        ),
        "neutral": (
            "Views in my team are mixed",
            "Some clinicians prefer online work and others face to face",
            "Attitudes differ between our teams",
            "We asked staff for their views in the annual survey",
            "I think the team is still divided",
            "Some staff are keen and some are cautious",
        ),
    },
    "leadership_management": {
        "barrier": (
            "The board signed the contract without consulting the clinical leads",
            "I've had little support from senior management to make it work",
            "Our digital lead left and the post hasn't been filled",
            "Senior leaders only ask about the numbers, never about the barriers",
            "Competing priorities mean it isn't getting the management attention it needs",
            "Commissioners set the targets but the board doesn't resource them",
        ),
        "facilitator": (
            "The board is fully behind it, which makes it easier to get resources",
            "Having a clinical champion in every team has kept it going",
            "I meet the team leads monthly to review how it's going",
            "Senior leaders made online therapy part of the service strategy",
            "My director has backed me every time I've needed to push for it",
            "Named champions in each team deal with questions quickly",
        ),
        "neutral": (
            "The digital lead reports to the board twice a year",
            "Implementation is overseen by a steering group",
            "I'm responsible for the online service alongside my other duties",
            "Each team has a lead for online therapy",
            "The board gets a quarterly update",
            "We're reviewing the governance of our digital services",
        ),
    },
    "work_structures": {
        "barrier": (
            "There's no protected time for online reviews in clinicians' job plans",
            "Referral routes into {programme} are confusing",
            "Nobody owns the online patients when a clinician is off",
            "Admin tasks for online patients fall between the gaps",
            "Our rota isn't set up for the kind of flexible work online support needs",
        ),
        "facilitator": (
            "We built protected review sessions into everyone's job plan",
            "A clear pathway from assessment to online treatment has reduced delays",
            "A dedicated coordinator handles account set-up and reminders",
            "Cover arrangements for online patients are now written into our procedures",
            "Having a small specialist online team has worked well",
        ),
        "neutral": (
            "Online cases are allocated at the weekly meeting",
            "We have a mix of specialist and generalist online clinicians",
            "The pathway is being reviewed this year",
            "Reviews are scheduled by each clinician",
            "We're restructuring how online work is allocated",
        ),
    },
    "vendor_relationship": {
        "barrier": (
            "Feedback we give the supplier seems to go nowhere",
            "We've had three account managers in a year and have to explain everything again each "
            "time",
            "The supplier is slow to respond to tickets",
            "Our requests for changes are always 'on the roadmap'",
            "It's hard to find the right person at the company to talk to",
        ),
        "facilitator": (
            "The supplier meets us every quarter and acts on our feedback",
            "Our account manager knows the service well and responds quickly",
            "We can see the status of every issue we raise",
            "The supplier changed the reports after we asked, which was great",
            "They treat us as partners rather than just customers",
        ),
        "neutral": (
            "We have quarterly meetings with the supplier",
            "Issues go to the supplier through a support portal",
            "The contract includes a service level agreement for support",
            "The supplier sends us a product update every few months",
            "Our account manager changed recently",
        ),
    },
    "external_drivers": {
        "barrier": (
            "National targets push us to increase numbers faster than we can support patients",
            "Policy changes keep shifting what commissioners want from us",
            "Since COVID commissioners expect everything online without extra funding",
            "NHS digital targets feel like a box-ticking exercise",
        ),
        "facilitator": (
            "COVID meant we moved online quickly and we never went back",
            "National targets for digital therapy helped me get the board's support",
            "The pandemic forced the change we'd been talking about for years",
            "National policy backing digital care gave us a clear mandate",
        ),
        "neutral": (
            "We introduced it during the first lockdown",
            "There are national targets for digital therapy that we report against",
            "Commissioners are following the national digital strategy",
            "The programme was first commissioned under a regional scheme",
        ),
    },
    "perseverance_experience": {
        "barrier": (
            "After three years we're still fighting the same problems",
            "Each time staff leave we lose the experience and have to rebuild",
            "Momentum has faded since the launch",
            "We seem to restart the implementation every year",
        ),
        "facilitator": (
            "Sticking with it through the early problems has paid off",
            "It's now a normal part of the service rather than a project",
            "Each year gets a bit easier as the team builds experience",
            "We learned from the first year and changed how we run it",
        ),
        "neutral": (
            "We've been running online therapy for about four years",
            "We're in the second year of the rollout",
            "It's still fairly new for the service",
            "We've supported several hundred patients online so far",
        ),
    },
    "therapist_support": {
        "barrier": (
            "My team don't have the time to give patients the individual feedback they need",
            "Patients complain that the messages they get feel like templates",
            "Support is patchy depending on which clinician the patient gets",
            "Some patients wait over a week for a reply, which isn't good enough",
            "Patients tell us they feel left on their own with the programme",
            "We've had complaints that supporters' messages don't respond to what patients wrote",
        ),
        "facilitator": (
            "Patient feedback shows they value the weekly message from their supporter",
            "Guided support clearly gets better outcomes than the self-help version",
            "Our clinicians write personal, thoughtful messages, and patients notice",
            "Patients say knowing someone is checking in keeps them going",
            "We agreed a standard for response times and patients feel the difference",
            "The welcome phone call has made patients feel there's a real person behind it",
        ),
        "neutral": (
            "All online patients have a named supporter",
            "Support is provided by a mix of PWPs and therapists",
            "Patients get a review message every one or two weeks",
            "We offer telephone support as well as messaging",
            "We're reviewing how much support each patient should get",
            "The level of support is set out in our service specification",
        ),
    },
    "personalisation": {
        "barrier": (
            "Patients tell us the content feels generic",
            "The programmes can't be adapted to our local population",
            "We can't add local resources or contacts to the content",
            "The examples don't reflect the diversity of the people we serve",
        ),
        "facilitator": (
            "Clinicians can choose modules to suit each patient",
            "We were able to add local information and contacts to {product}",
            "The range of optional modules lets the team tailor treatment",
            "Patients like being able to put their own examples into the exercises",
        ),
        "neutral": (
            "There is some flexibility in which modules are offered",
            "Most patients follow the standard pathway",
            "The supplier is working on more tailored content",
            "Tailoring is left to individual clinicians",
        ),
    },
}

# Vendor representatives: the service, their clinicians, the rollout, tickets, our trainers.
_VENDOR: dict[str, dict[str, tuple[str, ...]]] = {
    "tech_bugs": {
        "barrier": (
            "Most of the tickets from this service are about login failures",
            "The Android app crashed on some older phones after the last release, and it took us "
            "too long to fix",
            "Messages not arriving was a genuine bug on our side, and it hurt trust with their "
            "clinicians",
            "A backlog of open tickets has built up and the service is understandably frustrated",
            "The outage in the spring hit the service at their busiest time",
            "Some of the bugs they reported were hard to reproduce, so the tickets stayed open "
            "for months",
            "Their clinicians keep running into the same password reset problem",
        ),
        "facilitator": (
            "Ticket volumes from the service have halved since the last release",
            "We fixed the login issue quickly once their IT gave us the logs",
            "{product} has run without an outage at this service for over a year",
            "Their clinicians report bugs with clear detail, which helps us fix them fast",
            "The new Android build has removed most of the crash reports",
            "Most tickets are now closed within a couple of days",
        ),
        "neutral": (
            "The service raises a handful of tickets each month",
            "Most of their tickets are login or password questions",
            "We publish release notes for each update",
            "Bug reports come to us through the service's admin lead",
            "We track their open tickets in our monthly report",
            "We schedule maintenance outside clinic hours",
        ),
    },
    "usability": {
        "barrier": (
            "Their clinicians find the supporter dashboard hard to navigate, and they're right",
            "Patients at the service struggle with the module menu on small screens",
            "The reporting screens aren't intuitive, and the service has told us so",
            "We hear that the design looks dated next to consumer apps",
            "Their clinicians say it takes too many clicks to send a message",
            "Patients at the service keep asking our support desk where to find their worksheets",
        ),
        "facilitator": (
            "The redesign has gone down well with their clinicians",
            "Usability testing with their patients shaped the new navigation",
            "Support requests about how to use {product} have dropped a lot",
            "The service says new staff pick up the interface in a day",
            "Patients at the service rate the look of the new app highly",
            "The simplified review screen has cut down questions from their clinicians",
        ),
        "neutral": (
            "We run usability testing with a few services each year, including this one",
            "The service uses the standard clinician interface",
            "A redesign of the patient app is planned for next year",
            "We collect usability feedback through our user group",
            "Their clinicians mostly use the review screen",
            "We haven't had much usability feedback from this service",
        ),
    },
    "integration_it": {
        "barrier": (
            "Their IT department took months to whitelist the platform",
            "We can't integrate with their records system because of how it's set up",
            "Single sign-on is on hold until their IT team has capacity",
            "Their network blocks some of our content delivery, so pages load slowly",
            "Data has to be exported manually because there's no interface with their system",
        ),
        "facilitator": (
            "The integration with their records system went live without problems",
            "Their IT lead was engaged from day one, which made the rollout smooth",
            "Single sign-on is now working for all their clinicians",
            "Referrals now come through directly from their system",
        ),
        "neutral": (
            "The service uses {product} as a standalone system",
            "We're in discussion with their IT team about integration",
            "Access is browser-based, so no local installation is needed",
            "Their accounts are managed through our admin portal",
        ),
    },
    "time_workload": {
        "barrier": (
            "Their clinicians tell us they don't have time for reviews on top of their caseload",
            "The service hasn't set aside time for reviews, so they get done late or not at all",
            "Their clinicians struggle to fit even ten-minute reviews into a packed day",
            "Their staff are too stretched to attend the training sessions we offer",
            "Heavy caseloads at the service mean messages are short and late",
            "We see reviews being done in the evenings, which tells us time is a problem",
        ),
        "facilitator": (
            "Their clinicians each support more patients since the review screen was simplified",
            "The service reports that online treatment has freed up clinical time",
            "Review times at the service have come down to around ten minutes",
            "Their clinicians have protected time for reviews, and it shows in the data",
            "Message templates have saved their clinicians a lot of time",
            "The service says online cases take less time than they expected",
        ),
        "neutral": (
            "Average review time at the service is about fifteen minutes",
            "We provide guidance on how long reviews should take",
            "Their clinicians each support around ten online patients",
            "Time spent per patient varies across their clinicians",
            "We can report review times if the service asks for them",
            "Review times at the service are about the same as at other sites",
        ),
    },
    "costs_funding": {
        "barrier": (
            "The licence renewal has been delayed by budget pressures at the service",
            "The service can't afford the number of licences it actually needs",
            "Commissioning uncertainty makes it hard for the service to commit beyond a year",
            "Price is the main objection we hear from their finance team",
        ),
        "facilitator": (
            "The service renewed for three years, which gives both sides stability",
            "The per-patient pricing model suited the service's budget",
            "Commissioners funded an expansion of the rollout",
            "The cost comparison with face-to-face treatment helped the service make its case",
        ),
        "neutral": (
            "The contract is up for renewal next year",
            "The service is on our standard licence model",
            "Their licences are funded by the commissioners",
            "We review pricing with the service at each renewal",
        ),
    },
    "training_needs": {
        "barrier": (
            "Turnover at the service means many of their clinicians have never had our training",
            "The service could only release staff for one short session, which wasn't enough",
            "Their clinicians need more help with writing supportive messages than our training "
            "covers",
            "Nobody at the service arranges training for new starters",
            "Attendance at our trainers' refresher webinars has been low",
            "Their clinicians were trained at launch and nothing since",
            "Our trainers covered the software but the service wanted more on the clinical side",
        ),
        "facilitator": (
            "Our trainers ran sessions on site and attendance was excellent",
            "Training their supervisors first meant the knowledge stayed in the service",
            "The service's own champions now deliver training to new staff",
            "After the refresher, the quality of their clinicians' messages improved noticeably",
            "Their clinicians engaged well with the e-learning course",
            "Our trainers adapted the sessions to the service's pathway, which went down well",
        ),
        "neutral": (
            "Our trainers deliver an initial training package at launch",
            "The service has access to our e-learning modules",
            "Refresher training is offered twice a year",
            "We keep a record of which clinicians have completed training",
            "Training is usually arranged through the service's digital lead",
            "We offer supervisor training on request",
        ),
    },
    "information_evidence": {
        "barrier": (
            "The service asked for evidence in populations we haven't studied yet",
            "Their clinicians weren't aware of the outcome data we publish",
            "Our clinician guide needs updating to match the current modules",
            "The service wanted local outcome reports we don't yet produce",
        ),
        "facilitator": (
            "Sharing the trial evidence for {programme} helped win over their sceptical clinicians",
            "The service uses our outcome reports in its board papers",
            "Our programme summaries help their clinicians choose the right programme",
            "The evidence briefing we produced for them was well received",
        ),
        "neutral": (
            "We provide an evidence pack to every service",
            "Outcome reports are available on request",
            "The service has access to our clinician handbook",
            "We're running an evaluation with the service this year",
        ),
    },
    "patient_fit": {
        "barrier": (
            "The service refers patients with more complex needs than {programme} is designed for",
            "Many patients at the service have limited internet access",
            "We don't yet offer the programme in the languages the service needs",
            "The service's population includes a lot of older adults who find the format hard",
        ),
        "facilitator": (
            "The service has good results with patients with mild to moderate symptoms",
            "The range of programmes lets the service match patients to the right one",
            "Patients who can't attend in person have found it a good fit",
            "Their clinicians screen well, so most patients referred are suitable",
        ),
        "neutral": (
            "Suitability criteria are agreed with the service at the start",
            "The service mainly uses {programme}",
            "We provide guidance on which patients are likely to benefit",
            "Referral criteria vary between services",
        ),
    },
    "blended_role": {
        "barrier": (
            "The service uses {product} as a replacement for therapy, which isn't how it's "
            "designed",
            "Their clinicians don't link the online work with their face-to-face sessions",
            "There's confusion at the service about whether it's a standalone treatment or an "
            "add-on",
            "The blended features are hardly used at the service",
        ),
        "facilitator": (
            "Their clinicians use the programme between sessions very effectively",
            "The blended model at the service gets some of our best outcomes",
            "The service positions it as a supplement to therapy, and their clinicians accept that",
            "Shared worksheets make it easy for their clinicians to bring online work into "
            "sessions",
        ),
        "neutral": (
            "The service offers both guided self-help and blended care",
            "We support both standalone and blended use",
            "The service is piloting a blended pathway",
            "How it's combined with sessions is up to the service",
        ),
    },
    "patient_engagement": {
        "barrier": (
            "Activation rates at the service are low and many patients never log in",
            "Drop-out at the service is higher than at comparable sites",
            "Engagement falls sharply after the first couple of modules",
            "Patients at the service don't seem to know what is expected of them each week",
            "Patients often stop once their reviews become less regular",
            "The data shows a lot of patients logging in once and not returning",
        ),
        "facilitator": (
            "Completion rates at the service are among the best we see",
            "Reminder notifications have lifted engagement at the service",
            "Patients whose clinicians message weekly stay engaged much longer",
            "The welcome call the service introduced has improved activation",
            "Engagement improved once the service set clear weekly expectations",
            "Patients at the service are using the tools between modules more than before",
        ),
        "neutral": (
            "We share engagement data with the service every month",
            "Activation and completion are in line with our averages",
            "Engagement varies between their clinicians' caseloads",
            "We track logins, module completion and messages",
            "Around half of patients at the service complete {programme}",
            "The service asked us for a breakdown of drop-out by module",
        ),
    },
    "data_protection": {
        "barrier": (
            "The data sharing agreement took a long time to agree with their information "
            "governance team",
            "Their IG team raised questions about hosting that delayed the rollout",
            "Their clinicians are unsure who at our company can see patient data",
            "GDPR concerns stopped the service from switching on some features",
        ),
        "facilitator": (
            "We provided a full DPIA up front, which sped up sign-off",
            "Our UK hosting reassured their IG team",
            "The data sharing agreement was signed quickly thanks to their IG lead",
            "Clear access controls have answered their clinicians' questions about privacy",
        ),
        "neutral": (
            "The data sharing agreement is reviewed annually",
            "All their data is hosted in the UK",
            "Their IG team has our security documentation",
            "Access to patient data is logged",
        ),
    },
    "clinical_risk": {
        "barrier": (
            "The service is worried about crisis messages sent out of hours, say on a Friday "
            "evening",
            "There was confusion at the service about who responds to risk alerts",
            "Their clinicians want deterioration alerts that {product} doesn't yet provide",
            "The service hasn't set up cover for risk flags during leave",
        ),
        "facilitator": (
            "The risk alert feature is well used by their clinicians",
            "The service has a clear risk protocol built around our alerts",
            "Crisis information is shown prominently to every patient",
            "The service's duty system picks up risk flags the same day",
        ),
        "neutral": (
            "Risk management remains the service's clinical responsibility",
            "The platform flags answers to the risk questions",
            "Crisis contacts are set up by each service",
            "We review the risk features with the service each year",
        ),
    },
    "clinician_attitudes": {
        "barrier": (
            "Some of their clinicians are openly sceptical about online therapy",
            "Negative attitudes among senior therapists hold back referrals",
            "Their clinicians worry {product} is meant to replace them",
            "Some of their clinicians see online therapy as second-rate",
            "Resistance in one of their teams has stalled the rollout",
            "Some clinicians tell patients it's not real therapy",
        ),
        "facilitator": (
            "Their clinicians have become real advocates for the programme",
            "Seeing patient outcomes has turned sceptics at the service into supporters",
            "Attitudes at the service are much more positive than at launch",
            "Enthusiastic clinicians at the service spread the word to colleagues",
            "Their clinicians now talk about it as part of normal care",
            "The service has a very positive culture around digital therapy",
        ),
        "neutral": (
            "Attitudes vary across their clinicians",
            "We run attitude surveys with services at launch and after a year",
            "Some teams at the service are more engaged than others",
            "Their clinicians have mixed views",
            "It's too early to tell how their clinicians feel about it",
            "Attitudes at the service seem typical of the services we work with",
        ),
    },
    "leadership_management": {
        "barrier": (
            "There's no clear lead at the service, so we don't know who to contact",
            "Their senior management haven't engaged since the contract was signed",
            "The champion we worked with left and nobody replaced them",
            "Leadership at the service changed twice during the rollout",
            "Without management backing, their clinicians don't prioritise it",
            "Decisions at the service take months because nobody owns them",
        ),
        "facilitator": (
            "The service manager is a strong champion and keeps the rollout on track",
            "Finding the right people at every level of the service made all the difference",
            "Their clinical lead drives adoption and meets us regularly",
            "Senior support at the service has unlocked resources quickly",
            "Champions in each of their teams answer day-to-day questions",
            "The service's leadership made online therapy a priority",
        ),
        "neutral": (
            "Our main contact is the service's digital lead",
            "We meet the service's management team quarterly",
            "The service has a steering group for the rollout",
            "The service has had a new manager since the spring",
            "Decisions go through their clinical governance group",
            "We work mainly with the service's team leads",
        ),
    },
    "work_structures": {
        "barrier": (
            "The service hasn't built review time into their clinicians' schedules",
            "There's no clear referral pathway into {programme} at the service",
            "Account set-up falls to clinicians because the service has no admin support for it",
            "Cover for patients during staff leave isn't arranged, so patients go unsupported",
        ),
        "facilitator": (
            "The service has a dedicated online team, which works very well",
            "Protected review sessions at the service have made a clear difference",
            "The service's referral pathway is one of the clearest we've seen",
            "Their admin team handles set-up, so clinicians can focus on support",
        ),
        "neutral": (
            "The service allocates online cases through its usual process",
            "Each of their clinicians has a small online caseload",
            "The service is reviewing its pathway",
            "We share examples of workflows from other services",
        ),
    },
    "vendor_relationship": {
        "barrier": (
            "We weren't responsive enough when the service raised problems early on",
            "The service feels its feedback doesn't reach our product team",
            "Changes in our account team disrupted the relationship",
            "Our ticket response times slipped during the busy period",
        ),
        "facilitator": (
            "Regular check-ins with the service have built a good relationship",
            "Being responsive to problems has earned the service's trust",
            "The service's feedback has shaped several recent features in {product}",
            "We have a direct line to their digital lead, which keeps things moving",
        ),
        "neutral": (
            "We hold quarterly review meetings with the service",
            "The service contacts us through the support desk",
            "Our account manager covers this service and several others",
            "Feedback from the service goes into our product backlog",
        ),
    },
    "external_drivers": {
        "barrier": (
            "National targets pushed the service to scale faster than it was ready for",
            "Policy uncertainty has made the service cautious about committing",
            "Commissioning changes in the region have slowed the rollout",
            "After the pandemic, some of their clinicians were keen to get back to face to face",
        ),
        "facilitator": (
            "COVID meant the service moved online quickly and adoption jumped",
            "NHS digital targets gave the service a clear reason to expand",
            "The pandemic made their clinicians much more open to online work",
            "National guidance recommending digital therapy helped the rollout",
        ),
        "neutral": (
            "The service started with us during the pandemic",
            "The service reports against national digital targets",
            "Regional commissioning shapes what the service can buy",
            "The national picture for digital therapy is changing",
        ),
    },
    "perseverance_experience": {
        "barrier": (
            "The service keeps restarting the rollout after staff changes",
            "Momentum at the service dropped after the first year",
            "Without sustained effort, usage at the service has slipped back",
            "The service hasn't built up experience because different people use it each year",
        ),
        "facilitator": (
            "The service stuck with it through the early bugs and now it's routine",
            "Usage at the service grows every year as their clinicians gain experience",
            "Perseverance over the first year is what made this rollout work",
            "Their clinicians are far more confident now than at the start",
        ),
        "neutral": (
            "The service has been with us for about three years",
            "The rollout is in its second phase",
            "The service is one of our newer customers",
            "Usage has been steady over the past year",
        ),
    },
    "therapist_support": {
        "barrier": (
            "Patients at the service get long gaps between supporter messages",
            "The messages their clinicians send are often very brief",
            "Some patients at the service get no review for weeks",
            "Patient feedback mentions not feeling supported by their clinician",
            "Their clinicians rely heavily on templates, and patients notice",
            "Support varies a lot depending on which clinician a patient has",
        ),
        "facilitator": (
            "Their clinicians write warm, personal messages, and patient ratings reflect it",
            "Patients at the service rate their supporter highly in our surveys",
            "Guided patients at the service do much better than unguided ones",
            "Regular, timely reviews at the service keep patients engaged",
            "Their clinicians respond to what patients write, not just to the scores",
            "Patients at the service say knowing someone reads their work keeps them going",
        ),
        "neutral": (
            "The service provides guided support to all patients",
            "Review frequency at the service is weekly or fortnightly",
            "We provide message templates, but clinicians can write their own",
            "Support at the service is given mainly by PWPs",
            "We can report on message frequency if the service wants it",
            "The service decides how much support each patient gets",
        ),
    },
    "personalisation": {
        "barrier": (
            "The service has asked for more tailoring than {product} allows",
            "Patients at the service find some of our examples don't reflect their lives",
            "The fixed module order doesn't suit how their clinicians want to work",
            "We can't yet add the service's local content to the programme",
        ),
        "facilitator": (
            "Their clinicians use the optional modules to tailor treatment",
            "The service added local resources to the programme, which patients like",
            "Patients value being able to add their own examples",
            "The new tailoring options have been well used at the service",
        ),
        "neutral": (
            "Clinicians can choose which modules to unlock",
            "The service uses the standard configuration of {product}",
            "More tailoring options are on our roadmap",
            "Each service can configure some of the content",
        ),
    },
}

# Patients: their own experience. Three codebooks meet here; `personalisation` is listed once.
_PATIENT: dict[str, dict[str, tuple[str, ...]]] = {
    # icbt-implementation themes a patient can speak of
    "tech_bugs": {
        "barrier": (
            "I couldn't log in for the first week and nearly gave up",
            "The app kept crashing on my Android phone",
            "My supporter's messages didn't arrive and I thought I'd been forgotten",
            "I lost a whole worksheet when it didn't save",
            "The password reset email never came",
            "It kept logging me out in the middle of a module",
            "The app crashed every time I opened the diary",
        ),
        "facilitator": (
            "It worked fine on my phone the whole time",
            "I never had any technical problems",
            "When I couldn't log in, it got sorted the same day",
            "The app was reliable, which I needed because I was already stressed",
            "Everything saved as I went, so I didn't lose anything",
            "There were no glitches at all, which surprised me",
        ),
        "neutral": (
            "I had one problem logging in, but it was fine after that",
            "I used it on my laptop mostly, so I can't say about the app",
            "The app was a bit slow sometimes but nothing major",
            "I think there was an update halfway through",
            "It logged me out once or twice",
            "I had to reinstall the app once",
        ),
    },
    "usability": {
        "barrier": (
            "I found it hard to find my way around",
            "There was so much text on each page that I couldn't take it in",
            "I never knew which bit I was supposed to do next",
            "The worksheets were fiddly to fill in on a phone",
            "I couldn't find where my supporter's messages were",
            "The menus were confusing and I kept ending up back at the start",
        ),
        "facilitator": (
            "{product} was really easy to use",
            "Everything was clearly laid out",
            "I liked that I could see how far I'd got",
            "The videos were easier to follow than reading",
            "Even on a bad day I could manage it because it was so simple",
            "It was straightforward, even for someone like me who isn't good with technology",
        ),
        "neutral": (
            "It was fine to use once I got the hang of it",
            "Some parts were easier to use than others",
            "It's much like any other website",
            "I mostly used the diary and the messages",
            "It took me a couple of goes to understand how it worked",
            "I used it on my phone and it was ok",
        ),
    },
    "patient_fit": {
        "barrier": (
            "I don't think it's right for someone with problems as complicated as mine",
            "It felt like it was written for people with much milder problems",
            "With my dyslexia, all the reading was a struggle",
            "I needed to talk to someone in person and online wasn't enough for me",
        ),
        "facilitator": (
            "It suited me because I work shifts and couldn't get to appointments",
            "I'm quite private, so doing it online suited me better than talking face to face",
            "It was right for where I was at the time",
            "As a student, being able to do it on my phone suited me",
        ),
        "neutral": (
            "I was offered {programme} after my assessment",
            "I think it suits some people more than others",
            "I was told it was for mild to moderate problems",
            "I chose the online option because it was available sooner",
        ),
    },
    "patient_engagement": {
        "barrier": (
            "I stopped logging in after a few weeks and nobody noticed",
            "I lost motivation halfway through",
            "Without an appointment to go to, it was easy to put it off",
            "I fell behind and then felt too guilty to go back",
            "I didn't know how much I was supposed to do each week, so I did very little",
            "Once I started feeling a bit better I stopped doing it",
        ),
        "facilitator": (
            "I did a bit every evening and it became a habit",
            "I finished all the modules, which I'm quite proud of",
            "The reminders kept me on track",
            "The messages kept me going",
            "Seeing my scores go down made me want to carry on",
            "Having a plan for each week helped me stick with it",
        ),
        "neutral": (
            "I did about half of it",
            "Some weeks I did a lot and some weeks nothing",
            "I usually logged in on Sunday evenings",
            "I finished most of the modules eventually",
            "I went through it in fits and starts",
            "I did it mainly at weekends",
        ),
    },
    "personalisation": {
        "barrier": (
            "The modules felt generic, like they were written for someone else",
            "None of the examples were anything like my life",
            "It didn't take into account that I'm a carer",
            "Everyone seemed to get the same thing whatever their problem",
        ),
        "facilitator": (
            "My supporter picked out the modules that fitted me",
            "I could put in my own examples, so it felt like it was about me",
            "It felt tailored to what I was going through",
            "The extra module on sleep was exactly what I needed",
        ),
        "neutral": (
            "Some bits were relevant and some weren't",
            "I skipped the modules that didn't apply to me",
            "I followed the order it gave me",
            "It was fairly general, which was fine",
        ),
    },
    "therapist_support": {
        "barrier": (
            "I only heard from my supporter every couple of weeks",
            "The replies felt like they were copied and pasted",
            "I never got a reply when I asked a question",
            "I wanted more contact than one message a week",
            "My supporter changed halfway through and nobody told me",
            "It felt like nobody was really reading what I wrote",
        ),
        "facilitator": (
            "My supporter's weekly message kept me going",
            "Knowing someone was reading my work made a real difference",
            "My supporter always replied within a day or two",
            "The phone call at the start made it feel more personal",
            "My supporter was kind and encouraging",
            "It helped to have a real person behind it",
        ),
        "neutral": (
            "I got a message from my supporter every week",
            "We mostly talked through the messages",
            "I had one phone call with my supporter at the start",
            "I didn't need much support",
            "My supporter checked in after each module",
            "I spoke to my supporter on the phone a couple of times",
        ),
    },
    "data_protection": {
        "barrier": (
            "I wasn't sure who could read what I wrote",
            "I worried my employer might find out",
            "I didn't like putting personal things into an app",
            "Nobody explained where my information was kept",
        ),
        "facilitator": (
            "I felt my information was safe",
            "It was explained who could see my answers, which put my mind at rest",
            "The two-step login made me feel it was secure",
            "I trusted it because it came through the NHS",
        ),
        "neutral": (
            "I didn't really think about privacy",
            "I read the privacy bit at the start",
            "I assumed only my supporter could see it",
            "I used a separate email address for it",
        ),
    },
    "clinical_risk": {
        "barrier": (
            "I sent a message on a Friday evening when I was in a very bad place and didn't hear "
            "back until Monday",
            "I didn't know who to contact if things got worse",
            "When my scores went up nobody got in touch",
            "I didn't feel safe relying on an app when I was at my lowest",
        ),
        "facilitator": (
            "When I scored high on the mood questions someone rang me the same day",
            "The crisis numbers were always easy to find",
            "They made it clear what to do if I felt unsafe",
            "I felt safe knowing someone was checking my answers",
        ),
        "neutral": (
            "There were crisis phone numbers at the bottom of each page",
            "I was asked about risk at the start",
            "I answered the mood questions every week",
            "I was told messages weren't read at weekends",
        ),
    },
    "blended_role": {
        "barrier": (
            "I would have liked to see someone face to face as well",
            "It felt like I was given an app instead of proper therapy",
            "I had to repeat everything when I moved on to face-to-face sessions",
            "I was told the app was all that was on offer",
        ),
        "facilitator": (
            "Using it between my sessions helped me get more out of them",
            "It worked well alongside seeing my therapist",
            "It was good as a top-up to my appointments",
            "Having the app as well as the sessions felt like the right amount of help",
        ),
        "neutral": (
            "I had a few phone sessions as well as the online part",
            "I did it on its own, without any sessions",
            "I'm now waiting for face-to-face therapy",
            "I used it while I was on the waiting list",
        ),
    },
    "information_evidence": {
        "barrier": (
            "I didn't really understand what {programme} was before I started",
            "Nobody explained how it was supposed to help",
            "I'd have liked more information about what to expect each week",
            "The instructions for the exercises were confusing",
        ),
        "facilitator": (
            "The introduction explained clearly what each module was for",
            "It helped to know it had been tested and worked for other people",
            "The leaflet I got at assessment told me what to expect",
            "The first page explained how {product} works in plain words",
        ),
        "neutral": (
            "I read the information at the start",
            "There was a short video explaining how it worked",
            "I was given a leaflet about it",
            "I didn't look much at the background information",
        ),
    },
    "time_workload": {
        "barrier": (
            "With work and the kids I struggled to find the time",
            "The modules took much longer than it said",
            "I just didn't have the time some weeks",
            "It was hard to find a quiet hour at home",
            "Some of the exercises took ages and I was exhausted after work",
            "Fitting it in around shifts was really difficult",
        ),
        "facilitator": (
            "I could do it in the evenings after the kids were in bed",
            "Each module only took about twenty minutes",
            "I didn't have to take time off work for appointments",
            "I could fit it into my lunch break",
            "Not having to travel to appointments saved me a lot of time",
            "Doing it in short bits made it easy to fit in",
        ),
        "neutral": (
            "I spent about half an hour a week on it",
            "Some modules were longer than others",
            "I usually did it at weekends when I had more time",
            "It took me about three months in total",
            "How long it took depended on the week",
            "I did a module most weeks",
        ),
    },
    # therapist-support (Seittu et al. 2025)
    "empowerment": {
        "barrier": (
            "I felt I was left to do it all on my own with nobody behind me",
            "I didn't feel in control, I just followed what it told me",
            "I needed more of a push to take the first step myself",
            "Without someone backing me I didn't trust myself to do it",
        ),
        "facilitator": (
            "I did the work myself, but knowing my supporter was there gave me the confidence",
            "It made me feel I was in charge of my own recovery",
            "I learned to sort things out myself, with my supporter in the background",
            "It was good to be trusted to get on with it",
        ),
        "neutral": (
            "I mostly worked through it on my own",
            "I only contacted my supporter when I was stuck",
            "I set my own pace",
            "It was up to me how much I did",
        ),
    },
    "self_efficacy": {
        "barrier": (
            "I never got any feedback on whether I was doing it right",
            "Nobody noticed when I managed something difficult",
            "The feedback only pointed out what I hadn't done",
            "I'd have liked some encouragement when I was struggling",
        ),
        "facilitator": (
            "My supporter praised even small steps, which made me believe I could do it",
            "Being told I'd done well gave me a real boost",
            "The encouragement helped me try things I'd been avoiding",
            "Hearing that I was making progress kept me trying",
        ),
        "neutral": (
            "My supporter commented on what I'd done each week",
            "I got some feedback on my worksheets",
            "The feedback was mostly about the exercises",
            "I'm not someone who needs a lot of encouragement",
        ),
    },
    "customizing_materials": {
        "barrier": (
            "I couldn't see how to apply the exercises to my situation",
            "The examples didn't fit my life and nobody helped me adapt them",
            "I was stuck trying to make the worksheets work for my job",
            "I'd have liked help making the material fit my own problems",
        ),
        "facilitator": (
            "My supporter helped me adapt the exercises to my own situation",
            "We changed the activity plan so it worked around my night shifts",
            "My supporter suggested how to use the worksheet for things with my mum",
            "Once my supporter showed me how to adapt things, it made much more sense",
        ),
        "neutral": (
            "I used some of the worksheets as they were and changed others",
            "I adapted a few of the exercises myself",
            "Some of the material fitted my situation and some didn't",
            "I asked my supporter once about changing an exercise",
        ),
    },
    "responsibility_sharing": {
        "barrier": (
            "Nobody seemed to mind whether I did it or not",
            "It felt like it was all on me, with nobody sharing the load",
            "There was no one waiting for my work, so I let it slide",
            "I didn't feel anyone was in it with me",
        ),
        "facilitator": (
            "Knowing someone was waiting to see my work made me do it",
            "It felt like we were in it together",
            "I didn't want to let my supporter down",
            "Having someone to report back to took some of the weight off me",
        ),
        "neutral": (
            "My supporter looked at my work each week",
            "I knew my supporter would check my progress",
            "We agreed what I'd do before the next review",
            "I sent my worksheets in most weeks",
        ),
    },
    "therapeutic_alliance": {
        "barrier": (
            "The replies felt generic, like they could have gone to anyone",
            "I never felt there was a relationship there",
            "I felt very alone with it",
            "It felt like talking to a machine",
        ),
        "facilitator": (
            "I felt someone was on my side",
            "For the first time I didn't feel alone with it",
            "The messages were personal, not generic",
            "I felt a real connection with my supporter, even just through messages",
        ),
        "neutral": (
            "I got on fine with my supporter",
            "It was a professional relationship, which was fine",
            "I didn't expect a close relationship through an app",
            "We only ever talked through messages",
        ),
    },
    "genuine_interest": {
        "barrier": (
            "My supporter never picked up on what I'd written",
            "I mentioned something important and it was never followed up",
            "It didn't feel like anyone was interested in me as a person",
            "The replies didn't refer to anything I'd said",
        ),
        "facilitator": (
            "My supporter remembered what I'd written the week before and asked about it",
            "My supporter asked how my job interview went, which meant a lot",
            "It felt like they genuinely cared how I was getting on",
            "My supporter followed up on things I'd only mentioned in passing",
        ),
        "neutral": (
            "My supporter asked how my week had been",
            "The messages usually mentioned what I'd done",
            "Sometimes my supporter followed things up and sometimes not",
            "I didn't share much, so there wasn't much to follow up",
        ),
    },
    "emotional_recognition": {
        "barrier": (
            "When I said I was struggling, the reply was just about the next module",
            "I didn't feel my feelings were taken seriously",
            "It felt like my bad weeks were just ignored",
            "I wrote how low I was and got a standard reply",
        ),
        "facilitator": (
            "My supporter recognised how hard things were for me",
            "I felt seen, which I hadn't expected from an online programme",
            "It was a relief to be told that what I was feeling made sense",
            "My supporter acknowledged how much I was dealing with, and that mattered",
        ),
        "neutral": (
            "I didn't write much about my feelings",
            "My supporter asked about my mood each week",
            "The questionnaires asked how I was feeling",
            "I mostly kept things practical",
        ),
    },
    "mirroring_emotions": {
        "barrier": (
            "I didn't feel heard",
            "The replies didn't reflect anything I'd actually said about how I felt",
            "It was like writing into a void",
            "I poured my heart out and got a checklist back",
        ),
        "facilitator": (
            "My supporter put into words what I was feeling, which helped me make sense of it",
            "I felt heard",
            "Reading the reply, I could tell my supporter had really listened",
            "The way my feelings were reflected back made me feel understood",
        ),
        "neutral": (
            "My supporter sometimes summarised what I'd written",
            "I used the messages mostly to ask practical questions",
            "The replies were fairly short",
            "I'm not sure my supporter and I ever talked about feelings much",
        ),
    },
    # working-alliance (Doukani et al. 2020)
    "feeling_understood": {
        "barrier": (
            "I didn't feel understood at all",
            "My supporter didn't seem to get what I was going through",
            "The advice showed they hadn't understood my situation",
            "I felt misunderstood when I explained my anxiety",
        ),
        "facilitator": (
            "I felt understood",
            "My supporter really got what I was going through",
            "I didn't have to explain things twice, they just understood",
            "It was the first time someone understood how my low mood affects me",
        ),
        "neutral": (
            "I think my supporter understood most of it",
            "It's hard to tell whether someone understands you through messages",
            "Sometimes I felt understood and sometimes not",
            "I didn't share enough for them to really understand me",
        ),
    },
    "genuineness": {
        "barrier": (
            "The messages felt fake and scripted",
            "It felt like my supporter was just ticking boxes",
            "The cheerful replies didn't feel real",
            "I could tell the messages came from a template",
        ),
        "facilitator": (
            "My supporter came across as a real, genuine person",
            "The messages felt honest, not scripted",
            "You could tell my supporter meant what they said",
            "It felt sincere, not like a script",
        ),
        "neutral": (
            "The messages were polite and professional",
            "Some messages felt more personal than others",
            "I guess some of it has to be standard wording",
            "I couldn't really tell what my supporter was like as a person",
        ),
    },
    "partnership": {
        "barrier": (
            "It felt like I was being told what to do rather than working together",
            "I didn't have a say in what I worked on",
            "My supporter decided everything",
            "I didn't feel we were working as a team",
        ),
        "facilitator": (
            "We worked on it together, like a team",
            "My supporter asked what I thought before suggesting anything",
            "It felt like a partnership, not a lecture",
            "We decided together which modules to do next",
        ),
        "neutral": (
            "My supporter suggested the modules and I went along with it",
            "We discussed the plan at the start",
            "It was mostly me working through it, with my supporter checking",
            "Sometimes we planned together, other times I just got on with it",
        ),
    },
    "goal_setting": {
        "barrier": (
            "We never set any goals, so I didn't know what I was aiming for",
            "The goals were too general to mean anything to me",
            "My goals were never looked at again after the first week",
            "I wasn't sure what I was supposed to get out of it",
        ),
        "facilitator": (
            "Setting small goals each week gave me something to aim for",
            "We agreed clear goals at the start and checked them along the way",
            "Having my own goal to go back to kept me focused",
            "Looking back at my goals at the end showed me how far I'd come",
        ),
        "neutral": (
            "I set some goals at the start",
            "We talked about goals in the first message",
            "I had a goal about getting back to work",
            "I didn't really think about goals",
        ),
    },
    "usefulness": {
        "barrier": (
            "I didn't learn anything I didn't already know",
            "The exercises felt pointless",
            "It didn't really help with my anxiety",
            "Most of it wasn't useful for me",
        ),
        "facilitator": (
            "The thought diary was really useful",
            "I still use the breathing exercise now",
            "It taught me practical things I can use every day",
            "I'd recommend {product} to anyone in my situation",
        ),
        "neutral": (
            "Some parts were useful and some less so",
            "I found about half the exercises helpful",
            "I'm not sure yet whether it made a difference",
            "It was useful in places",
        ),
    },
    "complementary": {
        "barrier": (
            "What I did online never came up in my sessions",
            "The app and my therapist seemed to be telling me different things",
            "I had to explain the online work all over again in my appointments",
            "The online part felt like a separate thing from my therapy",
        ),
        "facilitator": (
            "My therapist went through my online worksheets in our sessions",
            "The online part and the sessions fitted together well",
            "I could practise online what we talked about in sessions",
            "Doing the homework online meant our sessions could go deeper",
        ),
        "neutral": (
            "I had both online work and phone sessions",
            "We sometimes talked about the online work in sessions",
            "The sessions were every two weeks with online work in between",
            "I did more online than in sessions",
        ),
    },
    "accountability": {
        "barrier": (
            "Nobody checked whether I'd done anything",
            "There was nothing to make me keep at it",
            "I could skip weeks and nothing happened",
            "It was too easy to let it slide with no one checking",
        ),
        "facilitator": (
            "Knowing my supporter would check made me do the homework",
            "The weekly review kept me accountable",
            "I didn't want to get to a review with nothing done",
            "Being checked on made me keep going when I didn't feel like it",
        ),
        "neutral": (
            "My supporter reviewed what I'd done each week",
            "There were weekly check-ins",
            "I think they could see when I logged in",
            "I kept a record of what I'd done",
        ),
    },
    "guidance": {
        "barrier": (
            "I didn't know where to start and nobody told me",
            "I wanted more direction about what to do each week",
            "I was left to work out the order myself",
            "I'd have liked more information from my supporter about how to use it",
        ),
        "facilitator": (
            "My supporter told me which module to do next, which helped",
            "I got clear guidance each week about what to focus on",
            "My supporter explained how to get the most out of each exercise",
            "Having a plan from my supporter gave it some structure",
        ),
        "neutral": (
            "My supporter suggested a module each week",
            "I mostly followed the order on the screen",
            "I asked for guidance a couple of times",
            "There was a suggested plan at the start",
        ),
    },
    "expression_of_feelings": {
        "barrier": (
            "I didn't feel I could say how I really felt in the messages",
            "There was nowhere to write about how I was feeling",
            "The text boxes were too small to say what I needed to",
            "I held back because I didn't know who would read it",
        ),
        "facilitator": (
            "Writing things down helped me get my feelings out",
            "I found it easier to write how I felt than to say it out loud",
            "The journal was a safe place to put my feelings",
            "I could say things in writing I'd never have said in a room",
        ),
        "neutral": (
            "I wrote about my feelings sometimes",
            "I used the mood diary most days",
            "I'm not one for writing about feelings",
            "I mostly wrote about what I'd done rather than how I felt",
        ),
    },
    "accessibility": {
        "barrier": (
            "I needed wifi to use it and I don't have it at home",
            "It didn't work well on my phone, so I could only use it at the library",
            "I couldn't use it at work because the site was blocked",
            "It wasn't available in my first language",
        ),
        "facilitator": (
            "I could do it at 2am when I couldn't sleep",
            "Being able to use it anywhere, even on the bus, was brilliant",
            "I didn't have to wait for an appointment, it was there whenever I needed it",
            "I could pick it up at any time that suited me",
        ),
        "neutral": (
            "I mostly used it at home",
            "I used it on my phone and my laptop",
            "I usually did it in the evenings",
            "I downloaded the app as well as using the website",
        ),
    },
    "interactivity": {
        "barrier": (
            "It was mostly reading, with nothing to actually do",
            "The quizzes didn't tell you anything useful afterwards",
            "It felt like reading a leaflet on a screen",
            "The exercises didn't respond to what I put in",
        ),
        "facilitator": (
            "I liked the quizzes and the mood tracker",
            "The interactive exercises kept me interested",
            "Seeing my mood chart change over time was motivating",
            "Doing the exercises on screen was better than just reading",
        ),
        "neutral": (
            "There were some quizzes and videos",
            "I used the mood tracker now and then",
            "Some modules were more interactive than others",
            "I didn't use the interactive bits much",
        ),
    },
    "ease_of_use": {
        "barrier": (
            "It was not easy to use at all",
            "It took too many steps to do anything simple",
            "Logging my mood took ages each time",
            "I found it complicated, and I'm usually fine with apps",
        ),
        "facilitator": (
            "It was dead easy to use",
            "It was simple to pick up straight away",
            "Everything was where you'd expect it to be",
            "Even my mum could have used it",
        ),
        "neutral": (
            "It was easy enough",
            "It was mostly easy to use, with a few fiddly bits",
            "It was no harder than any other app",
            "I got used to it after a while",
        ),
    },
    "aesthetic_appeal": {
        "barrier": (
            "It looked old-fashioned and a bit depressing",
            "The colours were dull and the pictures looked like stock photos",
            "It looked like something from the nineties",
            "The design made it feel clinical and cold",
        ),
        "facilitator": (
            "It looked nice and calming",
            "I liked the colours and the illustrations",
            "{product} looked modern and professional",
            "The design made it feel welcoming",
        ),
        "neutral": (
            "The design was fine, nothing special",
            "I didn't really notice what it looked like",
            "It looked like a typical NHS website",
            "Some pages looked better than others",
        ),
    },
    "self_directed": {
        "barrier": (
            "I needed more structure, doing it on my own didn't work for me",
            "It was hard to motivate myself without someone telling me when",
            "Working through it alone, I kept putting it off",
            "I'm not good at self-help and need someone to go through it with",
        ),
        "facilitator": (
            "I liked being able to go at my own pace",
            "I could go back over the parts I needed",
            "Doing it on my own terms suited me",
            "I liked choosing when and how much to do",
        ),
        "neutral": (
            "I did it at my own pace",
            "It was up to me how quickly I went through it",
            "I worked through it in order",
            "I mostly decided for myself what to do next",
        ),
    },
}

_PHRASES: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "therapist": _THERAPIST,
    "service_manager": _SERVICE_MANAGER,
    "vendor": _VENDOR,
    "patient": _PATIENT,
}

THEMES_BY_GROUP: dict[str, tuple[str, ...]] = {group: tuple(_PHRASES[group]) for group in GROUPS}
"""Theme ids this generator can write about, per group (see below)."""

# Sentences that set the scene but carry no theme, so they never change what a coder should tag.
_CONTEXT: dict[str, tuple[str, ...]] = {
    "therapist": (
        "I have been doing this for a while now",
        "I'm a PWP in a step 2 team",
        "I work part time, three days a week",
        "I qualified about six years ago",
        "This is only my own view and others in the team may see it differently",
        "I've filled in one of these before",
        "I'll try to keep this brief",
        "Some of this I've already said in team meetings",
        "I'm answering this at the end of a long day, so bear with me",
    ),
    "service_manager": (
        "I manage a team of about fifteen clinicians across two sites",
        "We cover two boroughs with quite different populations",
        "I took over the service last year",
        "This is my own view rather than an official position",
        "I've worked in the NHS for nearly twenty years",
        "I'll try to summarise rather than go into every detail",
        "Some of this has already been discussed with the team leads",
    ),
    "vendor": (
        "I'm the account manager for this service",
        "I've worked with this service since the contract started",
        "I cover several services in the region",
        "This is based on our last quarterly review",
        "I'm writing this on behalf of the implementation team",
        "Some of this we've already discussed with the service directly",
    ),
    "patient": (
        "I did the programme last spring",
        "I found out about it through my GP",
        "I'm in my thirties and have two kids",
        "This was my first time having any kind of help like this",
        "I'm not very good at filling in forms like this",
        "I finished about a month ago",
        "Sorry if this is a bit all over the place",
        "I'm writing this on my phone so excuse any mistakes",
    ),
}
_CLOSERS = (
    "Hope this helps",
    "That's all I can think of for now",
    "Thanks for asking",
    "Happy to talk more about any of this",
    "That's about it really",
    "Anyway, that's my view",
)

# Hedges sit in front of a clause; "mostly" and "on the whole" read oddly before a complaint.
_HEDGES: dict[str, tuple[str, ...]] = {
    "any": ("to be honest, ", "I think ", "I'd say ", "honestly, ", "if I'm honest, "),
    "barrier": ("sadly, ", "unfortunately "),
    "facilitator": ("on the whole, ", "mostly, "),
    "neutral": ("generally, ", "mostly, "),
    "therapist": ("in my experience, ",),
    "service_manager": ("from where I sit, ",),
    "vendor": ("from our side, ", "from what we see, "),
    "patient": ("tbh ", "I suppose "),
}
_ALREADY_HEDGED = ("i think", "i'd say", "i'm not sure", "i guess", "i suppose", "i assume",
                   "i believe", "it depends", "honestly", "to be honest")

_CONTRAST = ("{a}, but {b}", "{a} but {b}", "{a}, although {b}", "{a}, though {b}",
             "{a}; on the other hand, {b}")
_ADDITION = ("{a}, and {b}", "{a} and {b}", "{a}, and also {b}", "{a}; also {b}")
_CONSEQUENCE = ("{a}, so {b}", "{a}, which means {b}", "{a} so {b}")
_LOOSE = ("{a}, and {b}", "{a} and {b}")
# Themes that read naturally as the result of what came before ("..., so patients drop out").
_CONSEQUENCE_THEMES = ("patient_engagement", "time_workload", "clinician_attitudes",
                       "perseverance_experience", "accountability")

_TYPOS = (("the", "teh"), ("because", "becuase"), ("really", "realy"), ("which", "wich"),
          ("their", "thier"), ("receive", "recieve"), ("separate", "seperate"),
          ("message", "mesage"), ("training", "trainning"), ("definitely", "definately"),
          ("patients", "paitents"), ("probably", "probaly"))

# Rates per group: typo, whole answer in lower case, no final full stop, rambling, one aside.
_ROUGHNESS: dict[str, dict[str, float]] = {
    "therapist": {"typo": 0.03, "lower": 0.03, "no_stop": 0.08, "ramble": 0.06, "aside": 0.15},
    "service_manager": {"typo": 0.02, "lower": 0.01, "no_stop": 0.05, "ramble": 0.06,
                        "aside": 0.15},
    "vendor": {"typo": 0.02, "lower": 0.01, "no_stop": 0.05, "ramble": 0.05, "aside": 0.15},
    "patient": {"typo": 0.05, "lower": 0.08, "no_stop": 0.15, "ramble": 0.04, "aside": 0.12},
}
_HEDGE_RATE = 0.18
_JOIN_RATE = 0.5
_TERSE_RATE = 0.25  # single-mention patient answers written as a bare lower-case phrase

# Invented identifiers for patients only, so later de-identification has something to find.
_NAME_RATE = 0.03
_PHONE_RATE = 0.005
_SUPPORTER_NAMES = ("Anna", "Sarah", "Priya", "Tom", "James", "Aisha", "Megan", "Chloe",
                    "Ben", "Fatima", "Hannah", "Ravi", "Lucy", "Daniel", "Niamh", "Kofi")
_DOCTOR_SURNAMES = ("Patel", "Okafor", "Hughes", "Khan", "Morgan", "Evans", "Nowak",
                    "Campbell", "Ahmed", "Lewis")
_NAME_SENTENCES = ("My supporter was {first}", "{first} was my supporter",
                   "I was referred by Dr {surname}", "I was supported by {first}")
_PHONE_SENTENCES = ("You can ring me on {phone} if you want to know more",
                    "My number is {phone} if anyone wants to follow this up",
                    "Happy to talk, my mobile is {phone}",
                    "call me on {phone}")
_MY_SUPPORTER = re.compile(r"\b([Mm]y) supporter\b")
# Programme codes that are not written in lower case inside a sentence.
_PROGRAMME_NAMES = {"ocd": "OCD", "ptsd": "PTSD"}

_SHORT_ANSWERS = ("Nothing really.", "n/a", "N/A", "Not sure yet", "all good thanks", "No.",
                  "Nothing to add.", "none", "-", "Can't think of anything.", "no comment",
                  "Not at the moment.", "nothing else", "All fine.", "Too early to say.",
                  "See above.", "Same as last time.", "nope", "I don't know.",
                  "Nothing springs to mind.", "Not that I can think of.", "N/a",
                  "Nothing more to add", "not really")
_SHORT_BY_GROUP: dict[str, tuple[str, ...]] = {
    "therapist": ("Nothing further from me.", "Covered it all above.",
                  "No, I think that's everything."),
    "service_manager": ("Nothing further at this stage.",
                        "Nothing to add beyond my earlier answers."),
    "vendor": ("Nothing further from our side.", "No further comments at this time."),
    "patient": ("no thanks", "Nothing, thank you.", "dont know", "not really no"),
}


def write_feedback(group: str, mentions: list[tuple[str, str]], rng: random.Random,
                   programme: str = "depression", product: str = "the programme") -> str:
    """Compose one open answer mentioning each (theme_id, polarity), in the voice of the group."""
    if not mentions:
        raise ValueError("write_feedback needs at least one (theme, polarity) mention")
    for theme, polarity in mentions:
        _phrasings(group, theme, polarity)
    terse = group == "patient" and len(mentions) == 1 and rng.random() < _TERSE_RATE
    used: set[str] = set()
    clauses = [(theme, polarity, _clause(group, theme, polarity, rng, used, hedge=not terse))
               for theme, polarity in mentions]
    sentences = _sentences(clauses, rng)
    if not terse:
        sentences = _with_context(group, sentences, rng)
    if group == "patient":
        sentences = _with_identifiers(sentences, rng)
    slots = {"programme": f"the {_PROGRAMME_NAMES.get(programme, programme)} programme",
             "product": product}
    text = " ".join(_capitalise(sentence.format_map(slots)) + "." for sentence in sentences)
    return _roughen(group, text, rng, terse)


def write_short_answer(group: str, rng: random.Random) -> str:
    """A short answer with no codable content ("Nothing really.", "n/a", "all good thanks")."""
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}")
    return rng.choice(_SHORT_ANSWERS + _SHORT_BY_GROUP[group])


def _phrasings(group: str, theme: str, polarity: str) -> tuple[str, ...]:
    """The phrasings for one (group, theme, polarity); ValueError if any is unknown."""
    if group not in _PHRASES:
        raise ValueError(f"unknown group {group!r}")
    if polarity not in POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}")
    if theme not in _PHRASES[group]:
        raise ValueError(f"theme {theme!r} is not one a {group} writes about")
    return _PHRASES[group][theme][polarity]


def _clause(group: str, theme: str, polarity: str, rng: random.Random, used: set[str],
            hedge: bool) -> str:
    """Pick a phrasing not yet used in this answer, sometimes behind a hedge."""
    options = _phrasings(group, theme, polarity)
    fresh = [option for option in options if option not in used] or list(options)
    text = rng.choice(fresh)
    used.add(text)
    if hedge and rng.random() < _HEDGE_RATE and not text.lower().startswith(_ALREADY_HEDGED):
        hedges = _HEDGES["any"] + _HEDGES[polarity] + _HEDGES[group]
        if text.startswith("I"):  # "I think I didn't..." reads clumsily
            hedges = tuple(h for h in hedges if not h.startswith("I"))
        text = rng.choice(hedges) + _lower_first(text)
    return text


def _sentences(clauses: list[tuple[str, str, str]], rng: random.Random) -> list[str]:
    """Group clauses into sentences, joining some neighbours with a fitting connective."""
    sentences: list[str] = []
    index = 0
    while index < len(clauses):
        if index + 1 < len(clauses) and rng.random() < _JOIN_RATE:
            sentences.append(_join(clauses[index], clauses[index + 1], rng))
            index += 2
        else:
            sentences.append(clauses[index][2])
            index += 1
    return sentences


def _join(first: tuple[str, str, str], second: tuple[str, str, str], rng: random.Random) -> str:
    """Join two clauses: contrast for barrier against facilitator, else "and" or "so"."""
    _, polarity_a, text_a = first
    theme_b, polarity_b, text_b = second
    if {polarity_a, polarity_b} == {"barrier", "facilitator"}:
        patterns = _CONTRAST
    elif polarity_a != polarity_b:
        patterns = _LOOSE + (("{a}, but {b}",) if polarity_b == "barrier" else ())
    elif theme_b in _CONSEQUENCE_THEMES and rng.random() < 0.5:
        patterns = _CONSEQUENCE
    else:
        patterns = _ADDITION
    return rng.choice(patterns).format(a=text_a, b=_lower_first(text_b))


def _with_context(group: str, sentences: list[str], rng: random.Random) -> list[str]:
    """Now and then add a theme-free aside; rarely ramble with several of them."""
    rates = _ROUGHNESS[group]
    roll = rng.random()
    if roll < rates["ramble"]:
        asides = rng.sample(_CONTEXT[group], k=rng.randint(2, 3))
        rambling = [asides[0], *sentences]
        for aside in asides[1:]:
            rambling.insert(rng.randint(1, len(rambling)), aside)
        return [*rambling, rng.choice(_CLOSERS)]
    if roll < rates["ramble"] + rates["aside"]:
        if rng.random() < 0.6:
            return [rng.choice(_CONTEXT[group]), *sentences]
        return [*sentences, rng.choice(_CLOSERS)]
    return sentences


def _with_identifiers(sentences: list[str], rng: random.Random) -> list[str]:
    """Rarely name the supporter or leave a phone number from the UK drama range."""
    sentences = list(sentences)
    if rng.random() < _NAME_RATE:
        first, surname = rng.choice(_SUPPORTER_NAMES), rng.choice(_DOCTOR_SURNAMES)
        for index, sentence in enumerate(sentences):
            match = _MY_SUPPORTER.search(sentence)
            if match:
                who = rng.choice((f"{match.group(1)} supporter {first}", first, f"Dr {surname}"))
                sentences[index] = sentence[:match.start()] + who + sentence[match.end():]
                break
        else:
            sentences.append(rng.choice(_NAME_SENTENCES).format(first=first, surname=surname))
    if rng.random() < _PHONE_RATE:
        phone = f"07700 900{rng.randrange(1000):03d}"
        sentences.append(rng.choice(_PHONE_SENTENCES).format(phone=phone))
    return sentences


def _roughen(group: str, text: str, rng: random.Random, terse: bool) -> str:
    """Make the answer look typed by a person: a rare typo, lower case, a missing full stop."""
    rates = _ROUGHNESS[group]
    if rng.random() < rates["typo"]:
        text = _typo(text, rng)
    if terse:
        return _lower_first(text).removesuffix(".")
    if rng.random() < rates["lower"]:
        text = text.lower()
    if rng.random() < rates["no_stop"]:
        text = text.removesuffix(".")
    return text


def _typo(text: str, rng: random.Random) -> str:
    """Misspell one common word from a small fixed list, if the answer has one."""
    present = [pair for pair in _TYPOS if re.search(rf"\b{pair[0]}\b", text)]
    if not present:
        return text
    right, wrong = rng.choice(present)
    return re.sub(rf"\b{right}\b", wrong, text, count=1)


def _lower_first(clause: str) -> str:
    """Lower-case a clause's first letter unless it starts with "I", a slot or a proper noun."""
    first_word = clause.split(" ", 1)[0]
    keep = (clause.startswith("{") or first_word.split("'")[0] in ("I", "Android", "Dr")
            or any(letter.isupper() for letter in first_word[1:]))
    return clause if keep else clause[:1].lower() + clause[1:]


def _capitalise(sentence: str) -> str:
    """Upper-case a sentence's first letter, leaving the rest as written."""
    return sentence[:1].upper() + sentence[1:]
