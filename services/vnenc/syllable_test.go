package vnenc

import "testing"

func TestValidSyllable(t *testing.T) {
	tests := []struct {
		word string
		want bool
	}{
		{"việt", true}, {"Nguyễn", true}, {"nghĩa", true}, {"gì", true}, {"giữa", true},
		{"quốc", true}, {"quyết", true}, {"Quỳnh", true}, {"khuya", true}, {"người", true},
		{"hươu", true}, {"Đắk", true}, {"oẳn", true}, {"xoong", true}, {"ấy", true}, {"ở", true},
		{"thuở", true}, {"khoẻ", true}, {"khỏe", true}, {"huých", true}, {"ạ", true},
		{"vieät", false}, // VNI mojibake
		{"viöt", false},  // TCVN3 mojibake
		{"vi®t", false},  // not a letter
		{"viêòt", false}, // two tones
		{"cafộ", false},  // f is not Vietnamese
		{"việc", true},   // stopped final with the dot below
		{"viềc", false},  // stopped final with the grave
		{"ăn", true},     // ă with a final
		{"ă", false},     // ă needs a final
		{"tôch", false},  // ch after ô
		{"mùa", true},    // ua without a final
		{"muan", false},  // ua never takes one
		{"nguyênh", false},
		{"ẻ", true},
	}
	for _, tt := range tests {
		if got := validSyllable(tt.word); got != tt.want {
			t.Errorf("validSyllable(%q) = %v, want %v", tt.word, got, tt.want)
		}
	}
}

func TestWordStatus(t *testing.T) {
	tests := []struct {
		word string
		want status
	}{
		{"Hà", good}, {"“Nội”,", good}, {"15/2024/NĐ-CP", good}, {"Rịa-Vũng", good},
		{"C¸c", bad}, {"b»ng", bad}, {"café", bad}, {"Müller", bad},
		{"hello", neutral}, {"42", neutral}, {"–", neutral}, {"35°C", neutral},
		{"Москва", foreign},
	}
	for _, tt := range tests {
		if got := wordStatus(tt.word); got != tt.want {
			t.Errorf("wordStatus(%q) = %v, want %v", tt.word, got, tt.want)
		}
	}
}

func TestWellTyped(t *testing.T) {
	tests := []struct {
		word string
		want bool
	}{
		{"Tóm", true}, {"tắt:", true}, {"HOÀ", true}, {"hòa", true}, {"hoà", true},
		{"thủy", true}, {"thuỷ", true}, {"người", true}, {"khuya", true}, {"Nguyễn", true},
		{"gì", true}, {"giữa", true}, {"quốc", true}, {"mùa", true}, {"ngoài", true},
		{"khuỷu", true}, {"Rịa-Vũng", true}, {"15/2024/NĐ-CP", true}, {"ĐẮK", true},
		{"chÝnh", false}, // TCVN3 chính: a capital inside
		{"caù", false},   // VNI cá: the tone on the u
		{"sôì", false},   // Windows-1258 số: the tone on the i
		{"ñu", false},    // VNI đu: a tilde on a consonant
		{"qúa", false},   // the tone on the u of qu
		{"muà", false},   // the tone on the second vowel of ua
		{"Nghỉ", true}, {"ghế", true}, {"kỳ", true}, {"kiến", true}, {"gìn", true}, {"cũng", true}, {"ngừng", true},
		{"Nghù", false},  // ngh only before i, e, ê: VISCII "Nghỉ" read as TCVN3
		{"ngiệp", false}, // ng before i is spelled ngh
		{"kũng", false},  // k before u is spelled c
		{"cỳ", false},    // c before y is spelled k
		{"ghõ", false},   // gh before o is spelled g
	}
	for _, tt := range tests {
		if got := wellTyped(tt.word); got != tt.want {
			t.Errorf("wellTyped(%q) = %v, want %v", tt.word, got, tt.want)
		}
	}
}
