"""The emulator's concept table: common English words grouped by meaning.

:data:`CONCEPTS` maps a topic (``"animals"``) to a block of text in which every line is one
*cluster* of words that mean nearly the same thing or belong to one small scene ("cat kitten
kitty feline purr ..."). The embedding route gives each topic and each cluster a direction of
its own, so two words relate strongly when they share a cluster, somewhat when they share only a
topic, and not at all otherwise. A word may appear in several places ("bank" is money and
rivers); it then leans towards each of them. :data:`RELATED` lists topic pairs that sit near each
other (food and cooking at home, money and work), which gives them a little shared direction.

Words are written in their plain form; the route stems both the table and the text with the same
rules, so "kittens" finds "kitten". Irregular forms ("mice", "children") are listed where they
matter. This is hand-written data for a teaching emulator, not a model of English.
"""

from __future__ import annotations

__all__ = ["CONCEPTS", "RELATED"]

CONCEPTS: dict[str, str] = {
    "animals": """
        cat kitten kitty feline tomcat purr meow whisker catnip litter tabby moggy kittens cats
        dog puppy pup hound canine bark leash kennel fetch wag terrier poodle retriever beagle
        collie spaniel labrador doggy woof
        pet pets owner vet veterinarian adopt shelter rescue collar fur furry paw tail
        horse pony foal stallion mare colt gallop saddle stable hoof neigh donkey mule
        cow cattle bull calf ox herd moo dairy livestock steer bison buffalo
        pig hog piglet sow boar swine oink
        sheep lamb ram ewe wool flock goat kid shepherd
        chicken hen rooster chick poultry duck duckling goose geese turkey quack cluck
        bird birds sparrow robin crow raven pigeon dove eagle hawk falcon owl parrot finch
        seagull gull swan heron stork penguin flamingo hummingbird woodpecker feather wing
        beak nest chirp tweet
        fish goldfish salmon trout shark whale dolphin tuna cod octopus squid jellyfish seal
        crab lobster shrimp eel fin gill aquarium porpoise orca walrus
        lion tiger leopard cheetah jaguar panther cougar lynx cub roar mane pride
        bear grizzly panda koala polar
        wolf fox coyote jackal den howl pack
        monkey ape gorilla chimpanzee chimp orangutan baboon primate
        elephant rhino rhinoceros hippo hippopotamus giraffe zebra camel antelope gazelle
        deer moose elk reindeer fawn stag antler caribou
        rabbit bunny hare hamster guinea gerbil ferret squirrel chipmunk hedgehog
        mouse mice rat rodent vole mole beaver otter badger raccoon skunk possum weasel bat
        snake serpent python cobra viper rattlesnake lizard gecko iguana reptile crocodile
        alligator turtle tortoise dinosaur
        frog toad tadpole salamander newt amphibian
        insect bug ant bee wasp hornet fly mosquito beetle butterfly moth caterpillar
        cricket grasshopper ladybug dragonfly termite flea tick spider worm snail slug
        animal creature beast wildlife zoo species mammal predator prey hunt graze
        safari habitat breed cub
    """,
    "family": """
        family families relative relatives kin kinship household ancestor descendant
        mother mom mum mommy mummy mama mothers maternal motherhood
        father dad daddy papa fathers paternal fatherhood
        parent parents parenting guardian stepmother stepfather stepparent
        son daughter child children kid kids baby babies infant toddler newborn offspring
        sibling brother sister twin brothers sisters siblings
        grandmother grandma granny grandfather grandpa grandparent grandson granddaughter
        grandchild grandchildren
        aunt uncle cousin niece nephew
        husband wife spouse married marriage wedding bride groom honeymoon divorce widow
        widower engaged engagement fiance fiancee
        boyfriend girlfriend partner couple romance date dating love lover sweetheart
        friend friends friendship buddy pal mate companion neighbour neighbor
        man men woman women person people boy girl lady gentleman guy adult teenager teen
        youth elderly senior human humans everyone somebody someone individual
        birth born pregnant pregnancy adoption raise upbringing nanny babysitter
        king queen prince princess royal royalty monarch monarchy throne crown reign duke
        duchess emperor empress palace kingdom majesty noble nobility lord knight castle
    """,
    "money": """
        money cash currency dollar dollars euro pound yen coin coins banknote wallet cent
        penny cents bucks
        bank banks banking banker deposit withdraw withdrawal account savings atm teller
        loan loans mortgage debt credit borrow lend lender borrower repay repayment
        interest rate rates yield yields inflation deflation central
        stock stocks share shares equity equities market markets exchange trader trading
        investor invest investment investing portfolio dividend nasdaq dow index fund
        funds broker brokerage bull bear rally crash plunge slump percent
        bond bonds treasury treasuries coupon maturity securities
        price prices cost costs expensive cheap afford affordable discount bargain
        pay payment paid salary wage wages income earn earnings revenue profit profits
        loss losses quarterly
        tax taxes taxation irs budget budgets fiscal deficit surplus spending expense
        expenses accounting accountant audit invoice bill bills receipt refund
        economy economic economics economist recession growth gdp finance financial
        fintech capital wealth wealthy rich poor poverty billionaire millionaire fortune
        insurance premium pension retirement annuity
        buy buying sell selling sale purchase shop shopping customer retail store
        crypto cryptocurrency bitcoin blockchain ethereum token wallet
        asset assets liability liabilities valuation merger acquisition ipo
    """,
    "weather": """
        weather forecast forecaster meteorologist climate temperature degree degrees
        rain rainy raining rainfall drizzle shower showers downpour umbrella wet drench
        storm storms stormy thunder thunderstorm lightning hurricane typhoon cyclone
        tornado gale
        snow snowy snowing snowfall snowflake blizzard sleet hail frost frosty ice icy freeze
        freezing
        sun sunny sunshine sunlight sunburn heatwave heat hot warm humid humidity muggy
        scorching
        cloud clouds cloudy overcast fog foggy mist misty haze
        wind windy breeze breezy gust gusty
        cold chilly cool wintry
        season seasons spring summer autumn fall winter monsoon drought flood flooding
        rainbow dew puddle
    """,
    "food": """
        food foods meal meals dish dishes cuisine eat eating ate eaten hungry hunger appetite
        breakfast lunch dinner supper brunch snack snacks feast dessert
        cook cooking cooked chef kitchen recipe recipes bake baking baker oven stove grill
        roast boil fry fried simmer chop stir ingredient ingredients
        restaurant cafe diner menu waiter waitress bistro takeaway takeout delivery
        bread toast loaf sandwich bagel croissant bun baguette dough flour yeast
        cake cookie cookies biscuit pie pastry muffin cupcake brownie chocolate candy sweet
        sweets sugar honey dessert icecream pudding
        pizza pasta spaghetti noodle noodles lasagna burger hamburger fries sushi taco
        burrito curry soup stew salad
        fruit fruits apple apples banana orange grape grapes strawberry berry berries lemon
        lime cherry peach pear plum mango pineapple melon watermelon kiwi
        vegetable vegetables veggie carrot potato potatoes tomato tomatoes onion garlic
        lettuce spinach cabbage broccoli pea peas bean beans corn pepper cucumber mushroom
        meat beef pork chicken lamb steak bacon ham sausage turkey seafood fish salmon
        cheese milk butter cream yogurt yoghurt egg eggs dairy
        rice grain cereal oats wheat
        salt spice spices herb herbs sauce ketchup mustard vinegar oil olive
        drink drinks beverage coffee tea juice water soda lemonade smoothie espresso latte
        wine beer whiskey vodka cocktail alcohol
        tasty delicious yummy flavor flavour taste savory spicy sour bitter salty crunchy
        juicy
        vegan vegetarian nutrition calorie calories diet protein vitamin
        avocado coconut papaya apricot fig date raisin cranberry blueberry raspberry
        almond almonds peanut peanuts walnut cashew hazelnut nut nuts
        oatmeal porridge pancake pancakes waffle waffles syrup jam marmalade
        dumpling dumplings ramen kebab falafel hummus paella risotto omelette quiche
        barbecue bbq picnic buffet
    """,
    "vehicles": """
        car cars automobile vehicle vehicles sedan suv hatchback coupe convertible minivan
        jeep limousine
        truck trucks lorry van pickup trailer tractor bulldozer
        engine motor carburetor piston cylinder transmission gearbox clutch brake brakes
        exhaust radiator ignition spark crankshaft axle
        tire tyre tires wheel wheels steering dashboard windshield bumper headlight hood
        trunk
        drive driving driver driven drove road roads highway motorway freeway lane traffic
        commute commuter intersection parking garage mechanic repair
        fuel gasoline gas petrol diesel tank refuel horsepower mileage
        bicycle bike bikes cycling cyclist pedal motorcycle motorbike scooter moped helmet
        bus buses coach tram streetcar subway metro underground
        train trains railway railroad rail locomotive station platform carriage
        airplane aeroplane plane planes aircraft jet airliner pilot cockpit runway airport
        helicopter glider propeller
        boat boats ship ships ferry yacht sailboat canoe kayak submarine vessel cruise
        sail sailing harbour harbor port dock anchor captain sailor lighthouse
        taxi cab uber chauffeur
        electric hybrid tesla battery charging
        speed accelerate crash collision accident
    """,
    "emotions": """
        emotion emotions feeling feelings mood moods emotional
        happy happiness joy joyful glad cheerful delighted pleased content elated ecstatic
        smile smiling laugh laughter grin
        sad sadness unhappy sorrow grief grieve mourn depressed depression gloomy miserable
        heartbroken lonely loneliness cry crying tears weep upset
        angry anger mad furious rage irritated annoyed frustrated frustration resentment
        outraged
        fear afraid scared frightened terrified terror anxious anxiety worry worried nervous
        panic dread
        surprise surprised astonished amazed shocked startled
        love loving adore affection fond caring tender passion
        hate hatred loathe disgust disgusted contempt jealous jealousy envy
        calm peaceful relaxed serene tranquil relief relieved
        proud pride ashamed shame guilt guilty embarrassed embarrassment
        hope hopeful optimistic pessimistic despair hopeless
        bored boredom excited excitement thrilled eager enthusiastic
        grateful gratitude thankful kind kindness compassion empathy sympathy
        confident confidence brave courage courageous shy timid
        curious curiosity interested fascinated
        tired exhausted weary sleepy energetic
        confused puzzled uncertain doubt
    """,
    "film": """
        film films movie movies cinema theatre theater screening premiere blockbuster
        director directed actor actress cast starring star celebrity hollywood bollywood
        screenplay script screenwriter plot scene scenes sequel prequel trailer
        comedy drama thriller horror documentary animation animated cartoon
        oscar oscars award academy nominee festival cannes
        watch watching viewer audience popcorn ticket box office
        television tv series episode season sitcom show netflix streaming channel broadcast
        camera cinematography editing studio producer production
    """,
    "sport": """
        sport sports athlete athletes athletic game games match matches tournament league
        championship champion championships cup trophy medal olympics olympic
        team teams player players coach captain squad fan fans stadium arena referee umpire
        football soccer goal goals goalkeeper striker kick penalty pitch
        basketball hoop hoops dunk dribble nba rebound
        baseball bat pitcher inning homerun
        tennis racket serve wimbledon golf golfer putt caddie hockey puck rink
        cricket wicket bowler batsman rugby tackle
        run running runner marathon sprint race racing jog jogging track
        swim swimming swimmer pool dive diving surf surfing
        boxing boxer wrestling wrestler karate judo martial fencing
        ski skiing snowboard skate skating climbing climber hiking cycling
        win won winning winner lose lost losing defeat victory score scored scoring
        season playoff playoffs final finals semifinal
        gym workout exercise fitness train training trainer
        volleyball badminton handball softball lacrosse polo rowing sailing archery
        bowling billiards snooker darts skateboard skateboarding triathlon
        quarterback touchdown nfl fifa uefa halftime overtime scoreboard
    """,
    "computing": """
        computer computers laptop desktop pc mac tablet device devices hardware
        software program programs programming programmer code coding coder developer
        developers app apps application applications
        python java javascript typescript rust golang language compiler interpreter syntax
        function variable loop algorithm algorithms data database databases sql query
        server servers cloud network networking internet web website browser online
        email inbox download upload file files folder directory
        keyboard mouse monitor screen display printer cpu gpu processor chip memory ram
        storage disk drive ssd
        bug bugs debug debugging error crash patch update version release deploy
        deployment github git repository commit
        api apis endpoint request response http json token tokens
        password login account security hacker hack malware virus firewall encryption
        cybersecurity
        ai artificial intelligence machine learning neural model models embedding
        embeddings chatbot gpt llm dataset training inference
        digital tech technology online user users interface click smartphone phone
        linux windows operating system kernel terminal command script automation
        robot robots robotics
        smartwatch headset webcam router modem wifi bluetooth usb charger
        spreadsheet excel document documents pdf slides presentation
        pixel pixels resolution graphics render rendering
        startup silicon google apple microsoft amazon facebook meta openai
    """,
    "health": """
        health healthy illness ill sick sickness disease diseases condition symptom symptoms
        doctor doctors physician nurse nurses surgeon hospital clinic patient patients ward
        medicine medicines medication drug drugs pill pills prescription pharmacy
        pharmacist dose antibiotic vaccine vaccination
        flu cold cough fever virus infection infectious pandemic epidemic covid sneeze
        headache pain ache sore injury injured wound bruise fracture sprain
        cancer tumor diabetes asthma allergy allergies stroke heart attack blood pressure
        surgery operation treatment therapy cure heal healing recover recovery diagnosis
        mental therapist psychiatrist counselling stress insomnia sleep
        diet nutrition exercise fitness wellness weight obesity
        dentist dental tooth teeth cavity
        ambulance emergency paramedic bandage plaster stitches crutches wheelchair
        blood test xray scan
        vomit nausea dizzy rash itch swelling
    """,
    "places": """
        city cities town towns village villages capital metropolis urban suburb suburban
        downtown neighbourhood neighborhood district
        country countries nation nations state region province territory border
        street streets avenue road square plaza park bridge tower building skyscraper
        london paris berlin tokyo rome madrid york beijing moscow sydney dubai delhi
        france germany italy spain japan china india russia brazil canada mexico england
        britain america australia africa europe asia egypt
        map maps location address place places destination landmark
        museum library church cathedral temple mosque market harbour
        chicago boston seattle toronto vancouver amsterdam vienna prague lisbon athens
        istanbul cairo nairobi lagos mumbai bangkok singapore seoul shanghai melbourne
        netherlands belgium sweden norway denmark finland poland greece turkey portugal
        ireland scotland wales switzerland austria nigeria kenya argentina chile peru
        colombia korea vietnam thailand indonesia pakistan iran israel
    """,
    "music": """
        music musical musician musicians song songs singer singing sing sang vocalist choir
        band bands concert concerts gig tour album albums single record recording studio
        melody harmony rhythm beat tempo chord chords lyrics lyric tune
        guitar guitarist piano pianist violin violinist drum drums drummer bass cello flute
        trumpet saxophone keyboard orchestra symphony conductor
        rock pop jazz blues classical hiphop rap rapper reggae punk metal folk opera
        playlist spotify radio headphones speaker dj
        compose composer composition
    """,
    "nature": """
        nature natural wild wilderness outdoors landscape scenery
        tree trees forest forests wood woods woodland jungle rainforest oak pine maple
        birch willow leaf leaves branch branches trunk root roots bark
        flower flowers blossom bloom rose roses tulip daisy lily petal garden gardening
        plant plants grass meadow field fields shrub bush weed seed seeds moss fern
        mountain mountains hill hills valley cliff peak summit volcano canyon cave
        river rivers stream creek lake lakes pond waterfall bank shore
        sea seas ocean oceans beach coast coastline wave waves tide island bay reef sand
        desert dune oasis
        sky skies star stars moon planet sunrise sunset horizon
        rock rocks stone stones soil earth mud dirt
        environment ecology ecosystem conservation pollution recycle sustainability
        carbon emissions
    """,
    "science": """
        science scientific scientist scientists research researcher researchers experiment
        experiments laboratory lab hypothesis theory evidence study studies
        physics physicist quantum particle particles atom atoms electron proton neutron
        energy gravity force mass velocity relativity
        chemistry chemist chemical chemicals molecule molecules element compound reaction
        acid oxygen hydrogen carbon bond bonds
        biology biologist cell cells gene genes genetic dna evolution organism bacteria
        microbe protein
        astronomy astronomer telescope galaxy galaxies universe cosmos planet planets
        orbit solar comet asteroid nasa rocket spacecraft astronaut space
        math mathematics mathematician equation equations algebra geometry calculus
        statistics theorem proof number numbers
        geology fossil fossils mineral climate
    """,
    "politics": """
        politics political politician politicians government governments parliament congress
        senate senator minister president prime chancellor cabinet administration
        election elections vote votes voter voters voting ballot campaign candidate poll
        polls referendum
        party parties democrat democrats republican republicans liberal conservative
        labour
        law laws legislation bill policy policies regulation reform
        democracy democratic dictator dictatorship regime
        diplomacy diplomat embassy treaty sanctions foreign
        war wars army military soldier soldiers troops navy conflict peace ceasefire
        court courts judge justice lawyer attorney trial verdict constitution rights
        citizen citizens protest protests activist
    """,
    "education": """
        school schools student students pupil pupils teacher teachers classroom class
        classes lesson lessons teach teaching learn learning
        university universities college campus professor lecturer lecture lectures
        degree diploma graduate graduation undergraduate phd thesis
        homework assignment exam exams test tests quiz grade grades study studying
        essay
        education educational curriculum course courses semester tuition scholarship
        textbook notebook library
        kindergarten preschool
    """,
    "clothing": """
        clothes clothing garment outfit wear wearing wore dress dresses skirt blouse shirt
        shirts tshirt jeans trousers pants shorts jacket coat sweater jumper hoodie
        cardigan suit tie
        shoe shoes boot boots sneaker sneakers sandal sandals heel heels sock socks
        hat cap scarf glove gloves belt
        fashion designer style stylish trendy wardrobe tailor sew sewing fabric cotton silk
        wool leather denim linen
        underwear pajamas pyjamas uniform
    """,
    "home": """
        home homes house houses apartment flat condo household
        room rooms bedroom kitchen bathroom livingroom hallway attic basement garage
        furniture sofa couch armchair chair chairs table tables desk bed beds mattress
        pillow blanket wardrobe cupboard shelf shelves drawer lamp carpet rug curtain
        door doors window windows wall walls floor ceiling roof stairs
        clean cleaning vacuum dust laundry dishwasher fridge refrigerator microwave
        rent tenant landlord mortgage
        nap napping cozy cosy relax sleep
        garden yard lawn fence gate porch balcony patio driveway
        toilet shower bath bathtub sink tap faucet towel soap toothbrush
        oven stove toaster kettle blender freezer
        key keys lock doorbell mailbox
    """,
    "time": """
        time times clock watch hour hours minute minutes second seconds
        day days daily week weeks weekly month months monthly year years yearly annual
        decade century
        morning afternoon evening night midnight noon dawn dusk tonight today tomorrow
        yesterday
        monday tuesday wednesday thursday friday saturday sunday weekend weekday
        january february march april may june july august september october november
        december
        calendar schedule deadline appointment
        past present future history historical ancient modern
        early late soon later recently
    """,
    "colours": """
        colour colours color colors colourful colorful hue shade tint paint
        red blue green yellow orange purple violet pink brown black white grey gray
        crimson scarlet navy turquoise teal indigo magenta beige golden silver
        bright dark pale vivid
    """,
    "body": """
        body bodies head face eye eyes ear ears nose mouth lip lips tongue tooth teeth
        hair neck shoulder shoulders arm arms elbow wrist hand hands finger fingers thumb
        chest back belly stomach waist hip leg legs knee knees ankle foot feet toe toes
        skin bone bones muscle muscles heart lung lungs brain liver kidney blood vein
        skeleton spine skull
    """,
    "work": """
        work working worker workers job jobs career careers employment employ employee
        employees employer unemployment unemployed
        office offices boss manager management colleague colleagues coworker staff team
        meeting meetings interview hire hiring fired resign resignation promotion
        salary wage payroll pension
        company companies business businesses firm corporation startup enterprise industry
        client clients customer contract project projects deadline report
        factory warehouse shift overtime union strike
    """,
    "travel": """
        travel travelling traveling traveler traveller trip trips journey voyage tour
        tourist tourism tourists vacation holiday holidays getaway
        hotel hotels motel hostel resort inn booking reservation check suitcase luggage
        baggage backpack
        flight flights airport airline passport visa boarding departure arrival customs
        abroad overseas destination sightseeing guidebook itinerary
        beach camping camp tent cruise
    """,
    "crime": """
        crime crimes criminal criminals police officer cop detective arrest arrested
        suspect investigation evidence witness
        theft thief thieves steal stole stolen robbery robber burglar burglary fraud
        scam scammer smuggle
        prison jail inmate sentence guilty innocent court trial judge jury lawyer
        gang violence murder homicide
    """,
    "art": """
        art arts artist artists painting paintings painter paint canvas brush sculpture
        sculptor gallery museum exhibition portrait drawing draw sketch
        poem poetry poet novel novels author writer writing book books literature story
        stories fiction chapter read reading reader publish publisher
        photograph photography photographer photo photos picture pictures
        design designer craft pottery
        dance dancer dancing ballet
    """,
    "religion": """
        religion religious faith belief god gods church churches priest pastor bishop pope
        prayer pray worship temple mosque synagogue bible quran scripture holy sacred
        spiritual soul heaven hell angel sin
    """,
    "professions": """
        job profession occupation career trade
        doctor nurse surgeon dentist pharmacist paramedic midwife therapist
        teacher professor tutor lecturer principal librarian
        lawyer attorney judge solicitor barrister paralegal
        engineer architect scientist researcher technician mechanic electrician plumber
        carpenter builder bricklayer welder
        farmer gardener fisherman rancher
        chef cook baker butcher waiter bartender barista
        pilot driver chauffeur sailor captain conductor
        police officer detective firefighter soldier guard
        accountant banker economist analyst clerk secretary receptionist cashier
        programmer developer designer artist writer journalist reporter editor photographer
        musician singer actor dancer
        salesman saleswoman shopkeeper merchant vendor entrepreneur
        cleaner janitor housekeeper nanny
    """,
    "tools": """
        tool tools toolbox hammer nail nails screwdriver screw screws wrench spanner pliers
        drill saw chisel axe shovel spade rake hoe ladder tape ruler level
        glue bolt nut hinge clamp workshop workbench
        knife knives fork spoon plate bowl cup mug glass pan pot kettle teapot tray
        scissors needle thread pin button zipper
        broom mop bucket sponge
        rope chain wire cable string
        battery charger plug socket switch bulb flashlight torch
    """,
    "materials": """
        wood wooden timber plank lumber
        metal steel iron copper aluminium aluminum tin brass bronze gold silver
        plastic rubber glass ceramic porcelain concrete cement brick stone marble granite
        paper cardboard fabric cotton wool silk leather nylon polyester
        oil petroleum coal gas
    """,
    "shopping": """
        shop shops shopping store stores supermarket grocery groceries mall boutique market
        checkout cashier cart basket trolley aisle shelf receipt coupon discount sale
        bargain refund return exchange customer buy bought purchase order delivery parcel
        package shipping online amazon
        brand product products price label
    """,
    "communication": """
        talk talking speak speaking conversation chat discuss discussion say said tell
        told ask asked answer reply respond
        letter letters mail postcard envelope stamp
        phone call calls telephone text message messages email voicemail
        language languages english french spanish german chinese japanese translate
        translation word words sentence grammar vocabulary dictionary
        news newspaper magazine article headline journalist press media report
    """,
    "games": """
        game games play playing player toy toys puzzle puzzles board chess checkers
        card cards poker dice lego doll dolls
        video videogame console playstation xbox nintendo gamer gaming level quest
    """,
    "shapes": """
        circle square triangle rectangle shape shapes sphere cube line curve
    """,
}

#: Topic pairs that sit near each other (a small shared direction between them).
RELATED: tuple[tuple[str, str], ...] = (
    ("food", "home"), ("money", "work"), ("money", "politics"), ("animals", "nature"),
    ("weather", "nature"), ("vehicles", "travel"), ("film", "music"), ("film", "art"),
    ("music", "art"), ("health", "body"), ("science", "computing"), ("science", "health"),
    ("education", "science"), ("family", "emotions"), ("places", "travel"),
    ("crime", "politics"), ("sport", "health"), ("clothing", "home"), ("time", "work"),
    ("professions", "work"), ("tools", "home"), ("materials", "tools"), ("shopping", "money"),
    ("communication", "computing"), ("games", "sport"), ("games", "computing"),
)
