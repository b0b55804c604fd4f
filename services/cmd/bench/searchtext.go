package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/portalhub/portalhub/services/vnenc"
)

// The search benchmark's text: generated, but with the shape of a real
// portal's. Sentences come from a word-bigram chain learnt from real text
// (the vnenc corpus's sentences and the demo content, in each language),
// so common words and their pairs occur as they do in Vietnamese; each
// item has a topic whose terms, places and people recur in it, so that a
// query's words are as selective as in a real corpus (a topic's terms in
// about a tenth of the items, a commune's name in a few hundred).

// chain is a word-bigram model: the words seen after each word.
type chain struct {
	starts []string
	next   map[string][]string
}

func newChain() *chain { return &chain{next: map[string][]string{}} }

var sentenceEnd = regexp.MustCompile(`[.!?…]["”)]?$`)

// learn adds the sentences of text (one paragraph) to the chain.
func (c *chain) learn(text string) {
	words := strings.Fields(text)
	prev := ""
	for _, w := range words {
		if prev == "" {
			c.starts = append(c.starts, w)
		} else {
			c.next[prev] = append(c.next[prev], w)
		}
		prev = w
		if sentenceEnd.MatchString(w) {
			prev = ""
		}
	}
}

// sentence walks the chain from a random start to a sentence's end (or 40
// words), and returns it with its number of words. One word in twelve is
// replaced by a syllable of rare (Zipf-distributed, see syllables), the
// long tail of a real vocabulary that a chain learnt from a few thousand
// sentences lacks.
func (c *chain) sentence(r *rand.Rand, b *strings.Builder, rare func() string) int {
	w := c.starts[r.IntN(len(c.starts))]
	n := 0
	for {
		if n > 0 {
			b.WriteByte(' ')
		}
		if rare != nil && n > 0 && r.IntN(12) == 0 {
			b.WriteString(rare())
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n++
		if sentenceEnd.MatchString(w) {
			return n
		}
		nx := c.next[w]
		if len(nx) == 0 || n >= 40 {
			b.WriteByte('.')
			return n
		}
		w = nx[r.IntN(len(nx))]
	}
}

// lexicon is what one language's text is made of: its chain, the terms of
// each topic, and sentence templates with slots: {T} a term of the item's
// topic, {P} a place, {N} a person, {D} a date, {X} a number.
type lexicon struct {
	chain     *chain
	topics    [][]string
	templates []string
}

// textGen generates items' text in Vietnamese, English and Russian.
type textGen struct {
	lang   map[string]*lexicon
	places []string
	// syllables are Vietnamese syllables in a fixed random order, the
	// ranks of a Zipf distribution.
	syllables []string
}

// newTextGen learns the chains from the repository's text under root (the
// services module's folder).
func newTextGen(root string) (*textGen, error) {
	g := &textGen{lang: map[string]*lexicon{
		"vi": {chain: newChain(), topics: topicsVI, templates: templatesVI},
		"en": {chain: newChain(), topics: topicsEN, templates: templatesEN},
		"ru": {chain: newChain(), topics: topicsRU, templates: templatesRU},
	}, places: places, syllables: syllables()}
	f, err := os.Open(filepath.Join(root, "vnenc", "testdata", "sentences.txt"))
	if err != nil {
		return nil, fmt.Errorf("the Vietnamese sentences (run from the services folder): %w", err)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			g.lang["vi"].chain.learn(line)
		}
	}
	f.Close()
	files, err := filepath.Glob(filepath.Join(root, "..", "tenants", "demo", "*", "*.json"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("the demo content under %s: none found", filepath.Join(root, "..", "tenants", "demo"))
	}
	tag := regexp.MustCompile(`<[^>]*>`)
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var item struct {
			Translations []struct {
				Locale, Title, Summary string
				BodyHTML               string `json:"bodyHtml"`
			}
		}
		if err := json.Unmarshal(data, &item); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, tr := range item.Translations {
			lx := g.lang[tr.Locale]
			if lx == nil {
				continue
			}
			for _, para := range strings.Split(tag.ReplaceAllString(strings.ReplaceAll(tr.BodyHTML, "</p>", "\n"), " "), "\n") {
				lx.chain.learn(para)
			}
			lx.chain.learn(tr.Summary)
		}
	}
	for l, lx := range g.lang {
		if len(lx.chain.starts) < 20 {
			return nil, fmt.Errorf("too little %s text to learn from (%d sentences)", l, len(lx.chain.starts))
		}
	}
	return g, nil
}

// wordCount draws an item's length: 300 to 3,000 words, log-uniform (most
// items short, some long, a median near 950).
func wordCount(r *rand.Rand) int {
	return int(300 * math.Pow(10, r.Float64()))
}

// person is a Vietnamese name.
func person(r *rand.Rand) string {
	return family[r.IntN(len(family))] + " " + middle[r.IntN(len(middle))] + " " + given[r.IntN(len(given))]
}

// body writes about words words of topic's text in lang, in paragraphs,
// as HTML, naming place.
func (g *textGen) body(r *rand.Rand, lang string, topic int, place string, words int) string {
	lx := g.lang[lang]
	var b, sentence strings.Builder
	n := 0
	for n < words {
		b.WriteString("<p>")
		for s := 0; s < 3+r.IntN(4) && n < words; s++ {
			if s > 0 {
				b.WriteByte(' ')
			}
			sentence.Reset()
			if r.IntN(3) == 0 {
				n += g.fill(r, &sentence, lx, lx.templates[r.IntN(len(lx.templates))], topic, place)
			} else {
				var rare func() string
				if lang == "vi" {
					z := rand.NewZipf(r, 1.1, 10, uint64(len(g.syllables)-1))
					rare = func() string { return g.syllables[z.Uint64()] }
				}
				n += lx.chain.sentence(r, &sentence, rare)
			}
			// Escaped as the hub's sanitiser writes text.
			b.WriteString(html.EscapeString(sentence.String()))
		}
		b.WriteString("</p>\n")
	}
	return b.String()
}

// fill writes template with its slots filled, and returns its words.
func (g *textGen) fill(r *rand.Rand, b *strings.Builder, lx *lexicon, template string, topic int, place string) int {
	start := b.Len()
	for {
		i := strings.IndexByte(template, '{')
		if i < 0 || i+2 >= len(template) {
			b.WriteString(template)
			break
		}
		b.WriteString(template[:i])
		switch template[i+1] {
		case 'T':
			terms := lx.topics[topic]
			b.WriteString(terms[r.IntN(len(terms))])
		case 'P':
			if r.IntN(3) == 0 {
				place = g.places[r.IntN(len(g.places))]
			}
			b.WriteString(place)
		case 'N':
			b.WriteString(person(r))
		case 'D':
			fmt.Fprintf(b, "%d/%d/%d", 1+r.IntN(28), 1+r.IntN(12), 2020+r.IntN(7))
		case 'X':
			fmt.Fprintf(b, "%d", 2+r.IntN(900))
		}
		template = template[i+3:]
	}
	return len(strings.Fields(b.String()[start:]))
}

// title is a headline of topic in lang.
func (g *textGen) title(r *rand.Rand, lang string, topic int, place string) string {
	lx := g.lang[lang]
	var b strings.Builder
	g.fill(r, &b, lx, titlesOf[lang][r.IntN(len(titlesOf[lang]))], topic, place)
	return b.String()
}

// summary is one sentence of topic in lang.
func (g *textGen) summary(r *rand.Rand, lang string, topic int, place string) string {
	lx := g.lang[lang]
	var b strings.Builder
	g.fill(r, &b, lx, lx.templates[r.IntN(len(lx.templates))], topic, place)
	return b.String()
}

// The topics, in the same order in each language.
var topicsVI = [][]string{
	{"du lịch", "lễ hội", "khách sạn", "bãi biển", "di tích lịch sử", "du khách quốc tế", "văn hóa ẩm thực", "kích cầu du lịch"},
	{"thủ tục hành chính", "cải cách hành chính", "bộ phận một cửa", "dịch vụ công trực tuyến", "hồ sơ điện tử", "chỉ số hài lòng", "TTHC", "giấy phép kinh doanh"},
	{"chuyển đổi số", "công nghệ thông tin", "hạ tầng số", "chính quyền điện tử", "dữ liệu dân cư", "an toàn thông tin", "nền tảng số", "trí tuệ nhân tạo"},
	{"nông nghiệp công nghệ cao", "xây dựng nông thôn mới", "sầu riêng", "thủy sản", "hợp tác xã", "giống cây trồng", "tưới tiết kiệm", "sản phẩm OCOP"},
	{"giáo dục", "tuyển sinh lớp 10", "học sinh giỏi", "trường chuẩn quốc gia", "giáo viên", "chương trình giáo dục phổ thông", "học bổng", "thư viện số"},
	{"y tế", "bảo hiểm y tế", "tiêm chủng mở rộng", "bệnh viện đa khoa", "phòng chống dịch", "khám chữa bệnh", "sốt xuất huyết", "an toàn thực phẩm"},
	{"giao thông", "đường cao tốc", "tai nạn giao thông", "cầu dân sinh", "quốc lộ", "bến xe", "giải phóng mặt bằng", "đăng kiểm"},
	{"môi trường", "rác thải nhựa", "nước sạch nông thôn", "biến đổi khí hậu", "phòng chống thiên tai", "trồng rừng", "xử lý nước thải", "sạt lở bờ biển"},
	{"đầu tư", "khu công nghiệp", "doanh nghiệp nhỏ và vừa", "xúc tiến thương mại", "đấu thầu", "ngân sách nhà nước", "thu hút vốn", "kinh tế biển"},
	{"đất đai", "giấy chứng nhận quyền sử dụng đất", "bảng giá đất", "quy hoạch", "cấp giấy phép xây dựng", "bồi thường", "nhà ở xã hội", "tái định cư"},
	{"an sinh xã hội", "hộ nghèo", "người có công", "việc làm", "bảo hiểm xã hội", "trợ cấp", "căn cước công dân", "người cao tuổi"},
	{"văn hóa", "thể thao", "nghệ thuật truyền thống", "bảo tàng", "di sản", "giải chạy", "câu lạc bộ", "lễ kỷ niệm"},
}

var topicsEN = [][]string{
	{"tourism", "festival", "hotels", "beaches", "historic sites", "international visitors", "local cuisine", "tourist season"},
	{"administrative procedures", "administrative reform", "one-stop shop", "online public services", "electronic records", "citizen satisfaction", "business licences", "applications"},
	{"digital transformation", "information technology", "digital infrastructure", "e-government", "population data", "cybersecurity", "digital platforms", "artificial intelligence"},
	{"high-tech agriculture", "new rural development", "durian", "fisheries", "cooperatives", "seed varieties", "water-saving irrigation", "OCOP products"},
	{"education", "grade 10 enrolment", "outstanding students", "national standard schools", "teachers", "general education programme", "scholarships", "digital library"},
	{"health care", "health insurance", "immunisation", "general hospital", "disease prevention", "medical examination", "dengue fever", "food safety"},
	{"transport", "expressway", "traffic accidents", "rural bridges", "national highway", "bus station", "site clearance", "vehicle inspection"},
	{"environment", "plastic waste", "clean water", "climate change", "disaster prevention", "reforestation", "wastewater treatment", "coastal erosion"},
	{"investment", "industrial parks", "small and medium enterprises", "trade promotion", "procurement", "state budget", "capital attraction", "marine economy"},
	{"land", "land use certificates", "land price table", "planning", "building permits", "compensation", "social housing", "resettlement"},
	{"social welfare", "poor households", "people with meritorious services", "employment", "social insurance", "allowances", "citizen identity cards", "elderly people"},
	{"culture", "sports", "traditional arts", "museums", "heritage", "marathon", "clubs", "anniversary celebrations"},
}

var topicsRU = [][]string{
	{"туризм", "фестиваль", "гостиницы", "пляжи", "исторические памятники", "иностранные туристы", "местная кухня", "туристический сезон"},
	{"административные процедуры", "административная реформа", "единое окно", "онлайн-госуслуги", "электронные документы", "удовлетворённость граждан", "лицензии", "заявления"},
	{"цифровая трансформация", "информационные технологии", "цифровая инфраструктура", "электронное правительство", "данные о населении", "информационная безопасность", "цифровые платформы", "искусственный интеллект"},
	{"высокотехнологичное сельское хозяйство", "новая деревня", "дуриан", "рыболовство", "кооперативы", "семена", "капельное орошение", "продукция OCOP"},
	{"образование", "приём в 10 класс", "лучшие ученики", "школы национального стандарта", "учителя", "общеобразовательная программа", "стипендии", "цифровая библиотека"},
	{"здравоохранение", "медицинское страхование", "вакцинация", "областная больница", "профилактика заболеваний", "медицинский осмотр", "лихорадка денге", "безопасность пищевых продуктов"},
	{"транспорт", "скоростная дорога", "дорожные происшествия", "сельские мосты", "национальная трасса", "автовокзал", "расчистка площадки", "техосмотр"},
	{"экология", "пластиковые отходы", "чистая вода", "изменение климата", "защита от стихийных бедствий", "лесовосстановление", "очистка сточных вод", "эрозия побережья"},
	{"инвестиции", "промышленные парки", "малые и средние предприятия", "продвижение торговли", "закупки", "государственный бюджет", "привлечение капитала", "морская экономика"},
	{"земля", "свидетельства о праве землепользования", "цены на землю", "планирование", "разрешения на строительство", "компенсация", "социальное жильё", "переселение"},
	{"социальная защита", "бедные семьи", "заслуженные люди", "занятость", "социальное страхование", "пособия", "удостоверения личности", "пожилые люди"},
	{"культура", "спорт", "традиционное искусство", "музеи", "наследие", "марафон", "клубы", "юбилейные торжества"},
}

var templatesVI = []string{
	"Ngày {D}, {P} tổ chức hội nghị về {T}.",
	"Ông {N}, Chủ tịch UBND {P}, cho biết công tác {T} đã đạt nhiều kết quả.",
	"Năm nay, {P} dành {X} tỷ đồng cho {T} và {T}.",
	"Bà {N} đề nghị các sở, ngành tăng cường {T} trên địa bàn {P}.",
	"Theo báo cáo, {X} hồ sơ về {T} đã được giải quyết đúng hạn.",
	"Người dân {P} đánh giá cao hiệu quả của {T}.",
	"Đoàn kiểm tra do ông {N} làm trưởng đoàn đã làm việc tại {P} về {T}.",
	"Kế hoạch số {X}/KH-UBND ngày {D} về {T} được triển khai tại {P}.",
}

var templatesEN = []string{
	"On {D}, {P} held a conference on {T}.",
	"Mr {N}, Chairman of the People's Committee of {P}, said that {T} had made good progress.",
	"This year {P} allocates {X} billion dong to {T} and {T}.",
	"Ms {N} asked departments to step up {T} in {P}.",
	"According to the report, {X} applications on {T} were settled on time.",
	"Residents of {P} praised the results of {T}.",
}

var templatesRU = []string{
	"{D} в {P} прошла конференция: {T}.",
	"Председатель народного комитета {P} {N} сообщил, что {T} даёт хорошие результаты.",
	"В этом году {P} выделяет {X} млрд донгов на {T} и {T}.",
	"По данным отчёта, {X} заявлений по теме «{T}» рассмотрены в срок.",
	"Жители {P} высоко оценили {T}.",
}

var titlesOf = map[string][]string{
	"vi": {"{P} đẩy mạnh {T}", "Hội nghị về {T} tại {P}", "{P}: {X} hồ sơ {T} được giải quyết", "Tăng cường {T} năm {X}", "Ông {N} kiểm tra {T} tại {P}"},
	"en": {"{P} steps up {T}", "Conference on {T} in {P}", "{P}: {X} applications on {T} settled", "Mr {N} inspects {T} in {P}"},
	"ru": {"{P}: {T}", "Конференция «{T}» в {P}", "{N} проверил {T} в {P}"},
}

// places are communes, wards and towns (after the 2025 merger and before).
var places = []string{
	"phường Nha Trang", "phường Bắc Nha Trang", "phường Nam Nha Trang", "phường Tây Nha Trang", "phường Cam Ranh",
	"phường Ba Ngòi", "phường Cam Linh", "phường Bắc Cam Ranh", "phường Ninh Hòa", "phường Đông Ninh Hòa",
	"phường Hòa Thắng", "xã Vạn Ninh", "xã Tu Bông", "xã Đại Lãnh", "xã Vạn Thắng", "xã Vạn Hưng",
	"xã Ninh Phước", "xã Ninh Tây", "xã Ninh Sơn", "xã Tân Định", "xã Hòa Trí", "xã Diên Khánh", "xã Diên Lạc",
	"xã Diên Điền", "xã Diên Lâm", "xã Diên Thọ", "xã Suối Hiệp", "xã Cam Lâm", "xã Suối Dầu", "xã Cam Hiệp",
	"xã Cam An", "xã Khánh Vĩnh", "xã Trung Khánh Vĩnh", "xã Tây Khánh Vĩnh", "xã Nam Khánh Vĩnh", "xã Bắc Khánh Vĩnh",
	"xã Khánh Sơn", "xã Tây Khánh Sơn", "xã Đông Khánh Sơn", "đặc khu Trường Sa", "phường Phan Rang",
	"phường Đông Hải", "phường Ninh Chử", "phường Bảo An", "phường Đô Vinh", "xã Phan Rang", "xã Thuận Bắc",
	"xã Công Hải", "xã Ninh Hải", "xã Xuân Hải", "xã Vĩnh Hải", "xã Thuận Nam", "xã Cà Ná", "xã Phước Hà",
	"xã Phước Dinh", "xã Ninh Phước", "xã Phước Hữu", "xã Phước Hậu", "xã Bác Ái", "xã Bác Ái Đông",
	"xã Bác Ái Tây", "xã Ninh Sơn", "xã Lâm Sơn", "xã Anh Dũng", "xã Mỹ Sơn", "huyện Cam Lâm", "huyện Diên Khánh",
	"thị xã Ninh Hòa", "thành phố Cam Ranh", "huyện Vạn Ninh", "thị trấn Vạn Giã", "thị trấn Diên Khánh",
}

var family = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
var middle = []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Thu", "Hoài", "Kim"}
var given = []string{"An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh", "Lan",
	"Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Phương", "Quân", "Quý", "Sơn", "Tâm", "Thành", "Thảo", "Thủy",
	"Thúy", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến", "Đạt", "Ánh", "Khoa", "Lộc", "Nhung", "Oanh", "Toàn"}

// syllables returns the Vietnamese syllables that onsets, rhymes and tones
// make (those Vietnamese spelling allows: k, gh and ngh only before e, ê
// and i; a rhyme ending in p, t, c or ch only with the acute or dot-below
// tone), shuffled with a fixed seed, without those that read as text in a
// legacy encoding (vnenc).
func syllables() []string {
	onsets := []string{"", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh",
		"p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"}
	rhymes := []string{"a", "ai", "am", "an", "ang", "anh", "ao", "au", "ay", "ac", "ach", "at", "ap",
		"ă", "ăm", "ăn", "ăng", "ăc", "ăt", "ăp", "â", "âm", "ân", "âng", "âu", "ây", "âc", "ât", "âp",
		"e", "em", "en", "eng", "eo", "ec", "et", "ep", "ê", "êm", "ên", "ênh", "êu", "êch", "êt", "êp",
		"i", "ia", "im", "in", "inh", "iu", "ich", "it", "ip", "iêm", "iên", "iêng", "iêu", "iêc", "iêt", "iêp",
		"o", "oa", "oai", "oan", "oang", "oanh", "oac", "oat", "oe", "oi", "om", "on", "ong", "oc", "ot", "op",
		"ô", "ôi", "ôm", "ôn", "ông", "ôc", "ôt", "ôp", "ơ", "ơi", "ơm", "ơn", "ơt", "ơp",
		"u", "ua", "uân", "uây", "uê", "ui", "um", "un", "ung", "uôi", "uôn", "uông", "uy", "uyên", "uc", "ut", "up",
		"ư", "ưa", "ưi", "ưng", "ươi", "ươm", "ươn", "ương", "ưu", "ưc", "ưt", "ươc", "ươt"}
	tones := []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
	var out []string
	for _, o := range onsets {
		for _, rh := range rhymes {
			front := strings.ContainsRune("eêi", []rune(rh)[0])
			if (o == "k" || o == "gh" || o == "ngh") != front && (o == "k" || o == "gh" || o == "ngh" || o == "c" || o == "g" || o == "ng") {
				continue
			}
			if o == "qu" && strings.HasPrefix(rh, "u") || o == "gi" && strings.HasPrefix(rh, "i") {
				continue
			}
			stop := strings.HasSuffix(rh, "p") || strings.HasSuffix(rh, "t") || strings.HasSuffix(rh, "c") || strings.HasSuffix(rh, "ch")
			for i, t := range tones {
				if stop && i != 2 && i != 5 {
					continue
				}
				syl := norm.NFC.String(withTone(o+rh, t))
				// Some made-up syllables spell a legacy encoding's
				// mojibake; the hub would refuse the text.
				if r := vnenc.Check(syl); r.Encoding == "" && !r.Converted && !r.Broken {
					out = append(out, syl)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(8, 8))
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// withTone puts tone (a combining mark, or "") on the syllable's main
// vowel: the one with a shape mark, else the last before a final consonant,
// else the first of two.
func withTone(syl, tone string) string {
	if tone == "" {
		return syl
	}
	rs := []rune(syl)
	vowel := func(r rune) bool { return strings.ContainsRune("aăâeêioôơuưy", r) }
	at := -1
	for i, r := range rs {
		if strings.ContainsRune("ăâêôơư", r) {
			at = i
		}
	}
	if at < 0 {
		last := -1
		for i, r := range rs {
			if vowel(r) {
				last = i
			}
		}
		first := last
		for first > 0 && vowel(rs[first-1]) {
			first--
		}
		at = first
		if last < len(rs)-1 {
			at = last
		}
	}
	return string(rs[:at+1]) + tone + string(rs[at+1:])
}
