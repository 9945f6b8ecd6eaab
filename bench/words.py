"""The vocabulary the generator draws from: names from many cultures, organizations,
titles, places and the topics people talk about."""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


GIVEN_NAMES = _words("""
Ana João Maria Pedro Inês Tiago Beatriz Rui Sofia Miguel Carla Bruno Marta Nuno Rita
José Zoë Chloé Amélie Léa Hélène François Jérôme Émile Mathéo Noémie Renée Thérèse
Björn Søren Åsa Jürgen Jörg Günter Käthe Özil Ülkü Çağla Şebnem Ilkka Päivi
Yuki Haruto Sakura Kenji Aiko Hiroshi Emi Takumi Wei Li Jing Hao Xiu Ming Yan Chen
Priya Arjun Ananya Rohan Kavya Vikram Aditi Sanjay Neha Rahul Deepa Ishaan Meera
Oluwaseun Chiamaka Tunde Ngozi Kwame Ama Kofi Abena Amara Chidi Zainab Musa Fatima
Siobhán Niamh Seán Aoife Ciarán Oisín Róisín Pádraig Éabha
Liam Olivia Noah Emma Oliver Ava Elijah Sophia James Isabella William Mia Benjamin
Charlotte Lucas Amelia Henry Harper Alexander Evelyn Daniel Abigail Matthew Emily
David Elizabeth Joseph Sofía Samuel Avery Sebastian Ella Jack Scarlett Owen Grace
Mateo Valentina Santiago Camila Diego Lucía Alejandro Martina Nicolás Gabriela
Dmitri Anastasia Ivan Olga Sergei Natalia Pavel Irina Alexei Ekaterina
Mohammed Aisha Omar Layla Yusuf Mariam Karim Nour Tariq Huda Hassan Salma
Giulia Lorenzo Francesca Matteo Chiara Alessandro Elena Davide Sara Riccardo
Katarzyna Piotr Agnieszka Tomasz Małgorzata Łukasz Zuzana Jiří Tereza Ondřej
Sam Alex Jordan Taylor Morgan Casey Riley Jamie Robin Quinn
""")

FAMILY_NAMES = _words("""
Lima Silva Santos Oliveira Costa Pereira Ferreira Rodrigues Almeida Carvalho Gomes
Martins Sousa Ribeiro Pinto Barbosa Araújo Fernandes Lopes Marques Gonçalves
Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schäfer Köhler Groß
Dubois Lefèvre Moreau Laurent Girard Bonnet Rousseau Fontaine Chevalier Mercier
Nguyen Tran Le Pham Hoang Huynh Vo Dang Bui Do
Tanaka Suzuki Takahashi Watanabe Itō Yamamoto Nakamura Kobayashi Katō Yoshida
Wang Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo
Patel Sharma Singh Kumar Gupta Reddy Iyer Nair Menon Rao Desai Joshi Mehta Kapoor
Okafor Adeyemi Mensah Boateng Okonkwo Eze Nwosu Balogun Asante Owusu Diallo Traoré
O'Brien O'Connor Murphy Kelly Walsh Byrne Ryan Doyle McCarthy Sullivan
Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Thomas Moore Jackson
Martin Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright
Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell
García Martínez López González Hernández Pérez Sánchez Ramírez Torres Flores Rivera
Ivanov Smirnov Kuznetsov Popov Sokolov Lebedev Kozlov Novikov Morozov Petrov
Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo
Kowalski Nowak Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Dvořák
Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsen Hansen Jensen Nielsen
Haddad Khoury Hassan Aziz Mansour Saleh Farouk Nasser Rahman Karimi
""")

ORG_STEMS = _words("""
Acme Nordwind Lumen Vertex Helix Quanta Borealis Cobalt Juniper Meridian Atlas Pioneer
Solstice Tidal Granite Summit Harbor Crescent Aurora Beacon Catalyst Cascade Ember
Falcon Gemini Horizon Ionic Kestrel Lighthouse Mosaic Nimbus Orbit Prism Quartz Redwood
Sierra Terra Umbra Vantage Willow Zenith Alpine Bluebird Cedar Delta Evergreen Fjord
Glacier Hemlock Indigo Jade Kinetic Lattice Magnolia Nova Onyx Pinnacle Raven Sapphire
Tundra Vela Wavelength Yonder Zephyr Arbor Basalt Coral Dune Echo Flint Grove Halcyon
Iris Jasper Keystone Lagoon Maple Nexus Opal Polaris Ridge Sable Thistle Upland Verdant
Açaí Élan Mañana Über Fjäll Sœur Tōkai Zürich Lisboa Porto Kraków Bogotá
""")

ORG_SUFFIXES = _words("""
Labs Analytics Systems Partners Capital Ventures Group Studio Health Robotics Energy
Logistics Foods Media Consulting Software Bank Insurance Foundation Institute Works
Technologies Networks Cloud Security Bio Pharma Motors Retail Apparel Design
GmbH SA Ltd Inc AG BV Oy AB SAS Srl KK
""")

INDUSTRIES = [
    "Software",
    "Financial services",
    "Healthcare",
    "Biotechnology",
    "Retail",
    "Logistics",
    "Energy",
    "Media",
    "Education",
    "Consulting",
    "Manufacturing",
    "Telecommunications",
    "Insurance",
    "Real estate",
    "Non-profit",
    "Government",
    "Automotive",
    "Food and beverage",
    "Venture capital",
    "Legal services",
    "Hospitality",
    "Agriculture",
    "Aerospace",
    "Design",
]

TITLES = [
    "CEO",
    "CTO",
    "CFO",
    "COO",
    "Founder",
    "Co-founder",
    "VP Engineering",
    "VP Sales",
    "VP Marketing",
    "Head of Product",
    "Head of Data",
    "Head of People",
    "Engineering Manager",
    "Product Manager",
    "Senior Product Manager",
    "Software Engineer",
    "Senior Software Engineer",
    "Staff Engineer",
    "Principal Engineer",
    "Data Scientist",
    "Machine Learning Engineer",
    "Designer",
    "UX Researcher",
    "Account Executive",
    "Sales Director",
    "Business Development Manager",
    "Partner",
    "Principal",
    "Associate",
    "Analyst",
    "Investor",
    "Recruiter",
    "Talent Partner",
    "Marketing Manager",
    "Growth Lead",
    "Operations Manager",
    "Chief of Staff",
    "General Counsel",
    "Professor",
    "Researcher",
    "Consultant",
    "Advisor",
    "Board Member",
    "Editor",
    "Journalist",
    "Community Manager",
    "Developer Advocate",
    "Solutions Architect",
    "Customer Success Manager",
    "Project Manager",
]

CITIES = _words("""
Lisbon Porto Madrid Barcelona Paris Lyon Berlin Munich Hamburg Amsterdam Rotterdam
Brussels London Manchester Dublin Edinburgh Copenhagen Stockholm Oslo Helsinki Warsaw
Kraków Prague Vienna Zürich Geneva Milan Rome Athens Istanbul Tel-Aviv Dubai Nairobi
Lagos Accra Cairo Johannesburg Mumbai Bangalore Delhi Singapore Jakarta Tokyo Osaka
Seoul Shanghai Beijing Shenzhen Sydney Melbourne Auckland Toronto Montréal Vancouver
Boston New-York Austin Seattle Denver Chicago São-Paulo Bogotá Mexico-City Santiago
""")

TOPICS = _words("""
pilot pricing roadmap hiring fundraising onboarding contract renewal budget
partnership launch migration security compliance audit analytics dashboard
kubernetes observability latency outage postmortem architecture database
mentoring career promotion feedback offsite conference keynote workshop
newsletter podcast article research paper grant proposal invoice procurement
recruiting interview candidate referral introduction board investors runway
acquisition integration api sdk mobile frontend backend pipeline forecast
quota territory churn retention expansion upsell discount legal privacy gdpr
branding website redesign accessibility localization translation café
sustainability carbon supply logistics warehouse inventory pharmacy clinic
trial regulatory patent licensing royalties distribution marketplace payments
fraud underwriting claims lending treasury accounting payroll benefits
""")

PROJECTS = [
    "Atlas migration",
    "Q3 launch",
    "Series B",
    "Lisbon office",
    "Data platform",
    "Brand refresh",
    "EU expansion",
    "Mobile app",
    "Partner program",
    "Hiring plan",
    "Pricing revamp",
    "Security audit",
    "Customer advisory board",
    "Conference talk",
    "Book project",
    "Mentoring circle",
]

TAGS = _words("""
investor founder engineer designer speaker author alumni yc techstars climate fintech
healthtech ai ml security opensource remote lisbon london berlin nyc sf board advisor
recruiter journalist podcast community vip hot warm cold conference university mba
phd family neighbour sports
""")

EVENT_NAMES = [
    "WebSummit",
    "SaaStr Europa",
    "PyCon",
    "EuroPython",
    "KubeCon",
    "Slush",
    "VivaTech",
    "Collision",
    "RSA Conference",
    "Money20/20",
    "Founders Dinner",
    "Product Meetup",
    "Data Council",
    "Women in Tech Breakfast",
    "Climate Week",
    "Design Week",
    "Alumni Reunion",
    "Investor Day",
    "Hackathon",
    "Startup Grind",
]

SUMMARY_TEMPLATES: dict[str, list[str]] = {
    "email": ["Re: {t}", "{T} follow-up", "Intro: {t}", "Question about {t}", "Fwd: {t} notes"],
    "message": ["Quick note on {t}", "{T}?", "Thanks for the {t} tip", "Ping about {t}"],
    "meeting": ["{T} review", "Meeting on {t}", "{T} planning", "Weekly sync: {t}"],
    "call": ["Call about {t}", "Catch-up call", "{T} call"],
    "video": ["Video call: {t}", "Zoom on {t}"],
    "meal": ["Coffee", "Lunch: {t}", "Dinner", "Breakfast about {t}"],
    "event": ["Met at the event", "Talked {t} at the event"],
    "note": ["Note: {t}", "Heard about their {t}"],
}

NOTE_TEMPLATES = [
    "{g} wants a proposal on {t} by next month.",
    "Discussed {t} and {u}; they are hiring.",
    "{g} mentioned their {t} plans; follow up about {u}.",
    "Promised to send the {t} deck. Asked about {u}.",
    "Warm conversation. {g} is moving to a new role in {u}.",
    "They are evaluating vendors for {t}; budget decided in Q{q}.",
    "Shared an article on {t}. {g} recommended a book on {u}.",
    "Tense: the {t} deadline slipped. Agreed to revisit {u}.",
]

PROMISE_TEMPLATES = [
    "send the {t} deck",
    "intro to someone working on {t}",
    "review their {t} proposal",
    "share notes on {t}",
    "follow up about {t}",
    "send the {t} contract",
    "check in after the {t} launch",
]
