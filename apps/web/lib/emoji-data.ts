/*
 * The emoji the picker offers, bundled (the page's CSP allows no remote
 * fetch, and a whole emoji database is far more than a chat's reactions
 * need): each as "emoji|name|keywords…", grouped by category, in the order
 * shown. About 7 KB of text, gzipped well under 3 KB.
 */

export interface EmojiEntry {
  emoji: string;
  /** Lower-case words people search with: the name first. */
  name: string;
  keywords: readonly string[];
  category: string;
}

/** The reactions one click away in the message actions. */
export const QUICK_REACTIONS: readonly string[] = ['👍', '❤️', '😂', '🎉', '😮', '😢'];

const RAW: Record<string, string> = {
  Smileys: `😀|grinning face|smile happy joy
😃|smiling face with big eyes|happy joy haha
😄|smiling face with smiling eyes|happy joy laugh
😁|beaming face|grin happy
😆|grinning squinting face|laugh haha lol
😅|grinning face with sweat|relief nervous phew
😂|face with tears of joy|laugh lol funny haha cry
🤣|rolling on the floor laughing|rofl lol laugh funny
🙂|slightly smiling face|smile
🙃|upside-down face|silly sarcasm
😉|winking face|wink flirt
😊|smiling face with smiling eyes|blush happy
😇|smiling face with halo|angel innocent
🥰|smiling face with hearts|love adore crush
😍|smiling face with heart-eyes|love crush
🤩|star-struck|wow amazing excited
😘|face blowing a kiss|kiss love
😋|face savoring food|yum delicious tasty
😛|face with tongue|tongue silly
😜|winking face with tongue|silly joke crazy
🤪|zany face|crazy goofy wild
🤔|thinking face|think hmm wonder
🤨|face with raised eyebrow|suspicious skeptical
😐|neutral face|meh blank
😑|expressionless face|meh
😶|face without mouth|silent speechless
🙄|face with rolling eyes|eyeroll whatever
😏|smirking face|smirk smug
😬|grimacing face|awkward oops yikes
😌|relieved face|relief calm
😔|pensive face|sad thoughtful
😴|sleeping face|sleep tired zzz
🤤|drooling face|drool
😷|face with medical mask|sick ill mask
🤒|face with thermometer|sick ill fever
🤯|exploding head|mind blown shocked wow
🥳|partying face|party celebrate birthday
😎|smiling face with sunglasses|cool sunglasses
🤓|nerd face|nerd geek
🧐|face with monocle|inspect curious
😕|confused face|confused
😟|worried face|worried concern
😮|face with open mouth|wow surprised shock oh
😯|hushed face|surprised wow
😲|astonished face|shocked amazed wow
😳|flushed face|embarrassed blush
🥺|pleading face|please puppy eyes beg
😢|crying face|sad cry tear
😭|loudly crying face|sob cry sad
😱|face screaming in fear|scream scared shock
😤|face with steam from nose|triumph frustrated huff
😡|enraged face|angry mad rage
😠|angry face|angry mad
🤬|face with symbols on mouth|swear curse angry
😈|smiling face with horns|devil evil
💀|skull|dead dying lol
💩|pile of poo|poop
🤡|clown face|clown
👻|ghost|ghost boo halloween
👽|alien|alien ufo
🤖|robot|robot bot
🫠|melting face|melt hot embarrassed
🫡|saluting face|salute respect yes
🤗|smiling face with open hands|hug hugs
🤭|face with hand over mouth|giggle oops
🤫|shushing face|quiet shh secret
🥲|smiling face with tear|grateful touched
😵|face with crossed-out eyes|dizzy dead
🥱|yawning face|yawn tired bored`,
  People: `👍|thumbs up|like yes agree ok approve +1
👎|thumbs down|dislike no disagree -1
👌|ok hand|ok perfect fine
✌️|victory hand|peace victory
🤞|crossed fingers|luck hope
🤟|love-you gesture|love you
🤘|sign of the horns|rock metal
🤙|call me hand|call shaka
👈|backhand index pointing left|left point
👉|backhand index pointing right|right point
👆|backhand index pointing up|up point
👇|backhand index pointing down|down point
☝️|index pointing up|up point one
✋|raised hand|hand stop high five
👋|waving hand|wave hello hi bye
🖐️|hand with fingers splayed|hand five
👏|clapping hands|clap applause bravo
🙌|raising hands|hooray celebrate praise yay
🫶|heart hands|love heart
👐|open hands|hands
🤲|palms up together|prayer please
🤝|handshake|deal agreement shake
🙏|folded hands|please thanks pray thank you
✍️|writing hand|write
💪|flexed biceps|strong muscle power
🫵|index pointing at the viewer|you point
👀|eyes|look see watching
👁️|eye|eye see
🧠|brain|brain smart think
👶|baby|baby child
🧑|person|person adult
👩|woman|woman
👨|man|man
🤷|person shrugging|shrug dunno whatever
🤦|person facepalming|facepalm ugh
🙋|person raising hand|hand raise me question
🙇|person bowing|bow sorry thanks
💃|woman dancing|dance party
🕺|man dancing|dance party
🏃|person running|run running fast
🧘|person in lotus position|yoga calm meditate`,
  Hearts: `❤️|red heart|love heart like
🧡|orange heart|love heart
💛|yellow heart|love heart
💚|green heart|love heart
💙|blue heart|love heart
💜|purple heart|love heart
🖤|black heart|love heart
🤍|white heart|love heart
🤎|brown heart|love heart
💔|broken heart|sad heartbreak
❣️|heart exclamation|love heart
💕|two hearts|love
💞|revolving hearts|love
💓|beating heart|love
💗|growing heart|love
💖|sparkling heart|love
💘|heart with arrow|love cupid
💯|hundred points|100 perfect score keep it
💢|anger symbol|angry
💥|collision|boom bang
💫|dizzy|star dizzy
💦|sweat droplets|water splash
💤|zzz|sleep tired
💬|speech balloon|chat comment talk
💭|thought balloon|think thought`,
  Nature: `🐶|dog face|dog puppy pet
🐱|cat face|cat kitten pet
🐭|mouse face|mouse
🐰|rabbit face|rabbit bunny
🦊|fox|fox
🐻|bear|bear
🐼|panda|panda
🐨|koala|koala
🐯|tiger face|tiger
🦁|lion|lion
🐮|cow face|cow
🐷|pig face|pig
🐸|frog|frog
🐵|monkey face|monkey
🙈|see-no-evil monkey|monkey oops shy
🙉|hear-no-evil monkey|monkey
🙊|speak-no-evil monkey|monkey secret
🐔|chicken|chicken
🐧|penguin|penguin
🐦|bird|bird
🦄|unicorn|unicorn magic
🐝|honeybee|bee
🦋|butterfly|butterfly
🐢|turtle|turtle slow
🐍|snake|snake python
🐙|octopus|octopus
🐳|spouting whale|whale
🐬|dolphin|dolphin
🌸|cherry blossom|flower spring
🌹|rose|flower rose
🌻|sunflower|flower sun
🌱|seedling|plant grow
🌲|evergreen tree|tree
🌴|palm tree|tree beach vacation
🍀|four leaf clover|luck lucky
🍁|maple leaf|leaf autumn fall
🌈|rainbow|rainbow
☀️|sun|sun sunny weather
🌙|crescent moon|moon night
⭐|star|star favorite
🌟|glowing star|star shine
✨|sparkles|sparkle shiny magic new
⚡|high voltage|lightning zap fast
🔥|fire|fire hot lit flame
🌊|water wave|wave ocean sea
❄️|snowflake|snow cold winter
☔|umbrella with rain drops|rain
🌍|globe showing europe-africa|earth world globe`,
  Food: `🍎|red apple|apple fruit
🍌|banana|banana fruit
🍉|watermelon|watermelon fruit
🍓|strawberry|strawberry fruit
🍒|cherries|cherry fruit
🍑|peach|peach fruit
🍍|pineapple|pineapple fruit
🥑|avocado|avocado
🌶️|hot pepper|spicy chili hot
🥕|carrot|carrot
🌽|ear of corn|corn
🍞|bread|bread
🧀|cheese wedge|cheese
🍳|cooking|egg breakfast
🍔|hamburger|burger food
🍟|french fries|fries chips
🍕|pizza|pizza food
🌮|taco|taco
🌯|burrito|burrito
🍣|sushi|sushi
🍜|steaming bowl|ramen noodles soup
🍝|spaghetti|pasta spaghetti
🍦|soft ice cream|ice cream dessert
🍩|doughnut|donut dessert
🍪|cookie|cookie biscuit
🎂|birthday cake|cake birthday
🍰|shortcake|cake dessert
🍫|chocolate bar|chocolate
🍿|popcorn|popcorn movie
☕|hot beverage|coffee tea
🍵|teacup without handle|tea green
🍺|beer mug|beer drink cheers
🍻|clinking beer mugs|beers cheers drink
🥂|clinking glasses|cheers champagne toast
🍷|wine glass|wine drink
🍸|cocktail glass|cocktail drink
🥤|cup with straw|soda drink`,
  Activities: `🎉|party popper|party tada celebrate congrats hooray
🎊|confetti ball|party celebrate confetti
🎈|balloon|balloon party birthday
🎁|wrapped gift|gift present birthday
🏆|trophy|trophy win winner champion
🥇|1st place medal|gold first winner
🏅|sports medal|medal
⚽|soccer ball|football soccer
🏀|basketball|basketball
🏈|american football|football
🎾|tennis|tennis
🎮|video game|game gaming controller
🎲|game die|dice game
🎯|bullseye|target goal direct hit
🎸|guitar|guitar music rock
🎵|musical note|music note song
🎶|musical notes|music notes song
🎤|microphone|mic sing karaoke
🎧|headphone|headphones music
🎬|clapper board|movie film
📸|camera with flash|photo camera picture
🎨|artist palette|art paint
🚀|rocket|rocket launch ship fast
✈️|airplane|plane flight travel
🚗|automobile|car drive
🚲|bicycle|bike bicycle
⏰|alarm clock|alarm clock time
⌛|hourglass done|time wait
📅|calendar|calendar date
🏠|house|home house
🏖️|beach with umbrella|beach vacation holiday`,
  Objects: `💡|light bulb|idea bulb
📌|pushpin|pin important
📎|paperclip|attach clip
🔗|link|link chain url
📝|memo|note write memo
📚|books|books read study
📖|open book|book read
✏️|pencil|pencil write edit
🔍|magnifying glass tilted left|search find zoom
🔒|locked|lock secure private
🔑|key|key password
🛠️|hammer and wrench|tools fix build
🔧|wrench|tool fix
⚙️|gear|settings gear config
🧪|test tube|test experiment science
💻|laptop|computer laptop code
🖥️|desktop computer|computer
📱|mobile phone|phone mobile
🔔|bell|notification bell
📣|megaphone|announce loud
📦|package|package box ship
💰|money bag|money rich
💸|money with wings|money spend
📈|chart increasing|growth up chart stonks
📉|chart decreasing|down chart decline
🗑️|wastebasket|trash delete bin
🧹|broom|clean sweep
🐛|bug|bug insect issue
☎️|telephone|phone call
✉️|envelope|mail email letter`,
  Symbols: `✅|check mark button|yes done check ok correct
☑️|check box with check|done check
✔️|check mark|yes done check
❌|cross mark|no wrong x cancel
❎|cross mark button|no x
➕|plus|plus add
➖|minus|minus
❓|red question mark|question what
❔|white question mark|question
❗|red exclamation mark|exclamation important
‼️|double exclamation mark|exclamation
⚠️|warning|warning caution alert
🚫|prohibited|no forbidden stop
⛔|no entry|stop forbidden
🛑|stop sign|stop
♻️|recycling symbol|recycle
🔴|red circle|red circle
🟢|green circle|green circle
🔵|blue circle|blue circle
🟡|yellow circle|yellow circle
⬆️|up arrow|up arrow
⬇️|down arrow|down arrow
➡️|right arrow|right arrow next
⬅️|left arrow|left arrow back
🔄|counterclockwise arrows button|refresh sync repeat
🆗|ok button|ok
🆕|new button|new
🆒|cool button|cool
🔝|top arrow|top
💲|heavy dollar sign|dollar money
©️|copyright|copyright
™️|trade mark|trademark
🏁|chequered flag|finish race done
🚩|triangular flag|flag red
🏳️‍🌈|rainbow flag|pride rainbow`,
};

/** Every emoji the picker offers, in the order shown. */
export const EMOJI: readonly EmojiEntry[] = Object.entries(RAW).flatMap(([category, lines]) =>
  lines.split('\n').map((line) => {
    const [emoji = '', name = '', words = ''] = line.split('|');
    return { emoji, name, keywords: words.split(' ').filter(Boolean), category };
  }),
);

/** The categories, in the order shown. */
export const EMOJI_CATEGORIES: readonly string[] = Object.keys(RAW);
