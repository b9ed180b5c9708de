"""Name lists for the de-identifier: common UK and Finnish first names and surnames.

Written from general knowledge of the commonest names in UK and Finnish registers, plus
names common among UK South Asian, African and Polish communities. Lower case, one string
per list, split once on first use.
"""

UK_FIRST = """
aaliyah aaron abbie abdul abigail ada adam adrian agnes ahmed aidan aimee alan albert alex
alexa alexander alexandra alexis alfie ali alice alicia alison alistair amanda amelia
amelie amir amy andrea andrew andy angela angus anita ann anna anne annie anthony antonia
archie arthur ashley austin ava barbara barry beatrice becky ben benjamin bernard beth
bethan bethany betty beverley bobby bradley brandon brenda brendan brian bridget callum
cameron carl carla caroline carys catherine charles charley charlie charlotte chelsea chloe
chris christina christine christopher ciara claire clara clare colin connor conor craig
dale damian dan daniel danielle darren dave david dean deborah debbie declan denise dennis
derek diane dominic donna dorothy dylan eddie edward eileen elaine eleanor elena eliza
elizabeth ella ellie eloise emilia emily emma erin ethan eugene evan evelyn evie fatima
fergus fiona florence francesca freddie frederick freya gail gareth gary gavin gemma
geoffrey george georgia gerald gillian glen glenn gordon graham greg gregory hamza hannah
harley harriet harrison harry harvey hayley heather helen henry hollie hugh
hugo ian imogen isaac isabel isabella isabelle isla isobel jackie jacob jake
james jamie jane janet janice jasmine jason jean jenna jennifer jenny jeremy jessica jill
joan joanna joanne jodie joe joel john johnny jonathan jordan joseph josephine josh joshua
judith julia julian julie justin karen kate katherine kathleen kathryn katie kayleigh keith
kelly kenneth kerry kevin kieran kim kirsty kyle lara laura lauren layla leah lee leo leon
lewis liam lily linda lindsay lisa logan lois lola louis louise lucas lucy luke lydia
lynn lynne maisie malcolm marcus margaret maria marie marion martha martin mary matilda
matthew maureen megan melanie melissa mia michael michelle millie mohamed mohammad mohammed
molly muhammad nadia naomi natalie natasha nathan neil niall niamh nicholas nicola nicole
nigel noah norman oliver olivia oscar owen paige pamela patricia patrick paul paula pauline
peter philip phoebe phoebe poppy priya rachel rebecca reece rhys richard ricky rita rob
robert robyn roger ronald rory rosie ross roy russell ruth ryan sadie sally samantha samuel
sandra sara sarah scarlett scott sean shane sharon shaun sheila sian simon siobhan sophia
sophie stacey stanley stephanie stephen steve steven stuart susan suzanne tanya teresa
theo theodore thomas tiffany timothy toby tom tommy tony tracey tracy trevor tyler valerie
vanessa victoria vincent wayne wendy william yasmin yusuf zachary zara zoe
"""

FI_FIRST = """
aapo aarne aatu aino aila aili aimo aki aleksi aleksandra anja anneli annikki antero antti
ari arja arto arvo asta aulis eemeli eemil eero eetu eeva eevi eija eila eino eliisa elina
elisa elli elmeri emilia emma enni erkki esa esko hanna hannele hannu harri heidi heikki
heli helka helmi helvi henna henri hilkka iida iina iiris ilkka ilmari inkeri irja irma
jaakko jani janne jari jarmo jarno jenni jere jesse johanna jonna jorma jouko jouni juha
juhani jukka julia juho jussi jyrki jyri kaarina kaija kaisa kalervo kalle kari karoliina
katariina kati katja kauko keijo kerttu kimmo kirsi kristiina kyösti lassi lauri leena
leevi lotta maija marja marjatta marjut markku marko martti matias matti mervi mika mikael
mikko milla minna mirja mirjami mirva niina niko niklas noora nuutti oiva olavi oliver onni
ossi otto outi paavo pasi pauliina pekka pentti perttu petra petri pia pirjo pirkko raija
raimo reijo riikka riitta ritva roope saana saara sakari sami sampo sanna sari satu seppo
siiri silja simo sini sirpa soile sointu sofia suvi taina taisto tapani tapio tarja teemu
terhi timo tommi toni topi tuija tuomas tuomo tuula tuuli ulla unto urho vaino valtteri
veikko veera venla vesa ville vilho väinö yrjö
"""

OTHER_FIRST = """
abdullah abimbola adebayo agnieszka aisha akash amina amira anil anjali arjun ayesha bilal
chidi chinedu deepak divya ebony fatma hassan ibrahim imran kamal kasia katarzyna khadija
krzysztof kwame lukasz magdalena mariam marta maryam mehmet mohsin nikolai nkechi oksana
olumide omar piotr rahul rajesh ravi reza rukhsana shabana sunita tariq tomasz usman
wojciech yasmeen zainab
"""

UK_SURNAMES = """
adams ahmed ali allen anderson armstrong atkinson bailey baker barker barnes bates begum
bell bennett berry bibi booth bradley brooks burton butler campbell carter chapman clark
clarke cole collins cook cooper cox davidson davies davis dawson dixon doherty edwards
elliott ellis evans ferguson fisher fleming fletcher foster fox gibson gordon graham grant
gray griffiths hall hamilton harris harrison harvey hassan hill holmes hughes hunt hussain
jackson james jenkins johnson johnston jones kaur kelly kennedy khan knight lawrence lee
lewis lloyd macdonald marshall martin mason matthews mcdonald mckenzie miller mills
mitchell moore morgan morris morrison murphy murray owen palmer parker parsons patel pearce
pearson phillips powell price reid reynolds richards richardson roberts robertson robinson
rogers ross russell ryan saunders scott shaw simpson singh smith spencer stevens stewart
stone sutton taylor thomas thompson thomson turner walker wallace walsh ward watson watts
webb wells west wilkinson williams wilson wood wright young o'brien o'neill o'connor
mcbride mccarthy hartley pickering gallagher quinn byrne
doyle nowak wisniewski kowalczyk lewandowski nguyen chen wong
"""

FI_SURNAMES = """
aalto ahonen anttila heikkilä heino heinonen hiltunen hirvonen hyvönen hämäläinen
jokinen järvinen kallio karjalainen kinnunen koivisto korhonen koskinen laaksonen
lahtinen laine laitinen lehtinen lehtonen leinonen lindqvist lindholm lindroos
lundqvist manninen mattila miettinen mustonen mäkelä mäkinen nieminen niemi nurmi
pitkänen rantanen saarinen salminen salo salonen savolainen sjöberg toivonen tuominen
turunen virtanen väisänen
"""


def first_names() -> frozenset[str]:
    """Every first name in the lists, lower case."""
    return frozenset((UK_FIRST + FI_FIRST + OTHER_FIRST).split())


def surnames() -> frozenset[str]:
    """Every surname in the lists, lower case."""
    return frozenset((UK_SURNAMES + FI_SURNAMES).split())
