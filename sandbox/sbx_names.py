"""Word lists for the sandbox's fictional law firms.

All people, companies and places are invented.  A few names carry
non-ASCII letters and apostrophes on purpose (UTF-8 and quoting paths).
Phone numbers use the fictional 555-01xx range.
"""

FIRMS = [
    {
        "name": "Hartwell & Moss LLP",
        "domain": "hartwellmoss.com",
        "users": [
            # first, last, subscription, rate, roles, enabled
            ("Alexandra", "Hartwell", "Attorney", 425.0, ["admin", "billing", "accounts", "reports"], True),
            ("Marcus", "Okafor", "Attorney", 375.0, ["billing", "reports"], True),
            ("Priya", "Raman", "Attorney", 350.0, ["reports"], True),
            ("Daniel", "Brennan", "Attorney", 325.0, [], True),
            ("Sofia", "Castillo", "Attorney", 295.0, [], True),
            ("Jonathan", "Weiss", "Attorney", 275.0, [], True),
            ("Emily", "Tran", "Attorney", 250.0, [], True),
            ("Rachel", "Goldberg", "NonAttorney", 150.0, ["billing"], True),
            ("Kevin", "Murphy", "NonAttorney", 135.0, [], True),
            ("Hannah", "Lee", "NonAttorney", 125.0, ["accounts"], True),
            ("Tomás", "Álvarez", "NonAttorney", 110.0, [], True),
            ("Grace", "Kim", "NonAttorney", 95.0, [], False),
        ],
    },
    {
        "name": "Lindqvist Legal PLLC",
        "domain": "lindqvistlegal.com",
        "users": [
            ("Ingrid", "Lindqvist", "Attorney", 390.0, ["admin", "billing", "accounts", "reports"], True),
            ("Samuel", "Adeyemi", "Attorney", 310.0, ["reports"], True),
            ("Chloé", "Dubois", "Attorney", 280.0, [], True),
            ("Victor", "Reyes", "NonAttorney", 120.0, ["billing"], True),
            ("Naomi", "Fischer", "NonAttorney", 100.0, [], True),
        ],
    },
]

FIRST_NAMES = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
    "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
    "Thomas", "Sarah", "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy",
    "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra", "Donald", "Ashley",
    "Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle",
    "Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Dorothy", "George", "Melissa",
    "Timothy", "Deborah", "Ronald", "Stephanie", "Jason", "Rebecca", "Edward", "Sharon",
    "Jeffrey", "Laura", "Ryan", "Cynthia", "Jacob", "Kathleen", "Gary", "Amy",
    "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Anna", "Stephen", "Brenda",
    "Larry", "Pamela", "Justin", "Emma", "Scott", "Nicole", "Brandon", "Helen",
    "José", "Zoë", "Søren", "Aisha", "Wei", "Mohammed", "Olga", "Raj",
    "François", "Ngozi", "Mateo", "Yuki", "Siobhan", "Björn", "Lucía", "Dmitri",
]

MIDDLE_NAMES = ["A.", "B.", "C.", "D.", "E.", "J.", "L.", "M.", "R.", "T.", "Lee", "Marie", "Ann", "James"]

LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
    "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
    "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
    "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker",
    "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy",
    "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey",
    "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
    "Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza",
    "Ruiz", "Hughes", "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers",
    "O'Brien", "O'Connor", "Müller", "Nowak", "Kowalski", "Johansson", "Nakamura", "Okonkwo",
    "D'Angelo", "MacDonald", "Schröder", "Zhang", "Haddad", "Ivanova", "Fitzgerald", "Lindström",
]

COMPANY_FIRST = [
    "Harbor", "Summit", "Granite", "Pioneer", "Redwood", "Beacon", "Atlas", "Keystone",
    "Meridian", "Cobalt", "Evergreen", "Northstar", "Silverline", "Bluewater", "Ironwood",
    "Lakeside", "Crescent", "Sterling", "Highland", "Riverbend", "Oakmont", "Trident",
    "Blackstone", "Willow Creek", "Cedar Point", "Falcon", "Horizon", "Liberty", "Union Square",
]
COMPANY_SECOND = [
    "Logistics", "Holdings", "Construction", "Capital", "Dental Group", "Realty", "Foods",
    "Software", "Manufacturing", "Insurance Co.", "Medical Center", "Properties", "Partners",
    "Auto Group", "Brewing Co.", "Consulting", "Health", "Energy", "Architects", "Bakery",
]
COMPANY_SUFFIX = ["LLC", "Inc.", "Corp.", "Ltd.", "LLP", "", "", "Co."]

CITIES = [
    ("Boston", "MA", "021"), ("Cambridge", "MA", "021"), ("Worcester", "MA", "016"),
    ("Providence", "RI", "029"), ("Hartford", "CT", "061"), ("New Haven", "CT", "065"),
    ("Portland", "ME", "041"), ("Manchester", "NH", "031"), ("Springfield", "MA", "011"),
    ("Albany", "NY", "122"), ("Brooklyn", "NY", "112"), ("Newton", "MA", "024"),
    ("Quincy", "MA", "021"), ("Lowell", "MA", "018"), ("Salem", "MA", "019"),
]

STREETS = [
    "Main St", "Elm St", "Maple Ave", "Oak St", "Washington St", "Park Ave", "Pine St",
    "Cedar Ln", "Beacon St", "Commonwealth Ave", "Harbor Rd", "Mill St", "Church St",
    "High St", "School St", "Summer St", "Pleasant St", "Union St", "Water St", "Chestnut St",
]

JOB_TITLES = ["CEO", "CFO", "General Counsel", "Office Manager", "Owner", "Director of HR",
              "Claims Adjuster", "Physician", "Engineer", "Teacher", "Nurse", "Accountant"]

PRACTICE_AREAS = [
    # name, category, code, matter description templates
    ("Personal Injury", "personal_injury", "PI", [
        "Motor vehicle accident claim", "Slip and fall at {company}", "Dog bite injury claim",
        "Workplace injury – third-party claim", "Premises liability claim",
        "Medical expenses recovery", "Bicycle collision claim"]),
    ("Family Law", "family", "FAM", [
        "Divorce proceedings", "Child custody modification", "Prenuptial agreement",
        "Child support enforcement", "Adoption", "Guardianship petition"]),
    ("Estate Planning", "wills_and_estates", "EST", [
        "Last will and testament", "Revocable living trust", "Probate administration",
        "Power of attorney and health care proxy", "Estate tax planning", "Trust administration"]),
    ("Real Estate", "real_estate", "RE", [
        "Purchase of {street} property", "Sale of residential property", "Commercial lease review",
        "Refinance closing", "Boundary dispute", "Landlord–tenant dispute"]),
    ("Corporate", "business_formation_and_compliance", "CORP", [
        "Entity formation", "Shareholder agreement", "Annual compliance filings",
        "Asset purchase from {company}", "Operating agreement amendment", "Series A financing"]),
    ("Employment", "employment_and_labor", "EMP", [
        "Wrongful termination claim", "Severance negotiation", "Wage and hour audit",
        "Discrimination complaint (MCAD)", "Non-compete review", "Employee handbook update"]),
    ("Criminal Defense", "criminal", "CRIM", [
        "OUI defense", "Larceny charge defense", "Expungement petition",
        "Probation violation hearing", "Drug possession defense"]),
    ("Immigration", "immigration", "IMM", [
        "H-1B petition", "Family-based green card", "Naturalization application",
        "Asylum application", "O-1 visa petition"]),
    ("Commercial Litigation", "commercial_litigation", "LIT", [
        "Breach of contract v. {company}", "Collection action", "Partnership dispute",
        "Trade secret misappropriation", "Fraud and misrepresentation claim"]),
    ("Intellectual Property", "intellectual_property", "IP", [
        "Trademark registration", "Copyright infringement claim", "Patent licensing agreement",
        "Trademark opposition", "Domain name dispute"]),
]

STAGES = ["Intake", "Active", "Discovery", "Negotiation", "Closing"]

GROUPS = [
    ("Everyone", "AccountGroup"), ("Litigation Team", "TeamGroup"),
    ("Transactional Team", "TeamGroup"), ("Billing Committee", "AdhocGroup"),
]

TASK_TYPES = ["Filing", "Client Follow-up", "Research", "Court Deadline", "Document Review", "Billing"]

ACTIVITY_DESCRIPTIONS = [
    "Legal Research", "Drafting", "Client Meeting", "Court Appearance", "Telephone Call",
    "Email Correspondence", "Document Review", "Deposition", "Travel", "Negotiation",
    "Filing", "Case Strategy",
]

EXPENSE_CATEGORIES = [
    # name, rate, entry_type
    ("Court Filing Fees", 0, "hard_cost"), ("Photocopying", 15, "soft_cost"),
    ("Courier", 0, "hard_cost"), ("Mileage", 67, "soft_cost"),
    ("Expert Witness Fees", 0, "hard_cost"), ("Travel", 0, "hard_cost"),
    ("Postage", 0, "soft_cost"), ("Medical Records", 0, "hard_cost"),
]

DOCUMENT_CATEGORIES = ["Pleadings", "Correspondence", "Contracts", "Evidence", "Invoices",
                       "Medical Records", "Court Orders"]

TIME_NOTES = [
    "Telephone call with client re: status of matter",
    "Review and revise draft agreement",
    "Draft motion to dismiss",
    "Legal research re: statute of limitations",
    "Prepare for and attend hearing",
    "Email correspondence with opposing counsel",
    "Review discovery responses",
    "Draft demand letter",
    "Meeting with client to review documents",
    "Prepare deposition outline",
    "Attend deposition of plaintiff",
    "Review medical records and bills",
    "Draft settlement agreement",
    "Conference with associate re: case strategy",
    "Review and respond to client's questions",
    "Prepare closing documents",
    "Draft interrogatories and document requests",
    "Research case law re: damages",
    "Revise pleadings per client comments",
    "Prepare client intake memo",
    "Call with insurance adjuster",
    "Draft opposition to summary judgment",
    "Travel to and from courthouse",
    "Review title report and survey",
    "Negotiate terms of lease",
    "Finalize estate planning documents; \"signing\" meeting scheduled",
    "Update case calendar & deadlines",
    "Review 50% of production set (Bates 0001–0450)",
]

EXPENSE_NOTES = [
    "Filing fee – Superior Court", "Certified copies of records", "Courier to courthouse",
    "Mileage to client site", "Expert report fee", "Parking at courthouse",
    "Postage for certified mail", "Medical records request fee", "Deposition transcript",
]

TASK_NAMES = [
    "File motion to compel", "Call client re: settlement offer", "Prepare discovery responses",
    "Review medical records", "Draft engagement letter", "Calendar hearing date",
    "Send invoice reminder", "Update conflict check", "Request police report",
    "Serve summons and complaint", "Draft closing checklist", "Order title search",
    "Schedule deposition", "Prepare trial exhibits", "File notice of appearance",
    "Send retainer agreement", "Review draft contract", "Follow up on unpaid balance",
]

CALENDAR_SUMMARIES = [
    "Client meeting", "Court hearing", "Deposition", "Mediation session", "Status conference",
    "Closing", "Team case review", "Call with opposing counsel", "Filing deadline",
    "Signing meeting", "Motion hearing", "Intake consultation",
]

LOCATIONS = [
    "Conference Room A", "Conference Room B", "Suffolk Superior Court, Courtroom 10",
    "Middlesex Probate and Family Court", "Zoom", "Client's office", "US District Court, Boston",
    None, None,
]

NOTE_SUBJECTS = [
    "Initial consultation", "Conflict check cleared", "Client preferences", "Strategy notes",
    "Settlement discussion", "Call summary", "Witness information", "Billing arrangement",
    "Follow-up required", "Court clerk call",
]

COMMUNICATION_SUBJECTS = [
    "Re: Documents for review", "Settlement proposal", "Scheduling", "Invoice question",
    "Signed agreement attached", "Hearing update", "Call regarding next steps", "Discovery requests",
]

RELATIONSHIP_DESCRIPTIONS = ["Opposing Counsel", "Opposing Party", "Witness", "Expert Witness",
                             "Insurance Adjuster", "Co-counsel", "Referral Source"]

DOCUMENT_KINDS = [
    # extension, content type, min size, max size, weight
    ("pdf", "application/pdf", 8000, 400000, 40),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 9000, 120000, 25),
    ("txt", "text/plain", 40, 12000, 8),
    ("csv", "text/csv", 100, 30000, 5),
    ("jpg", "image/jpeg", 20000, 900000, 10),
    ("png", "image/png", 3000, 300000, 5),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 6000, 80000, 4),
    ("eml", "message/rfc822", 1500, 40000, 3),
]

DOCUMENT_NAMES = [
    "Engagement Letter", "Complaint", "Answer", "Medical Records", "Settlement Agreement",
    "Purchase and Sale Agreement", "Lease", "Operating Agreement", "Will", "Trust Agreement",
    "Deposition Transcript", "Police Report", "Photos of Scene", "Invoice", "Correspondence",
    "Court Order", "Discovery Responses", "Expert Report", "Closing Statement", "Intake Form",
]
