#include "spam_data.hpp"

#include <algorithm>
#include <map>

#include "error.hpp"
#include "paths.hpp"
#include "numpy_random.hpp"

namespace llm::ch06 {

SpamFrame SpamFrame::take(const std::vector<int64_t>& positions) const {
    SpamFrame out;
    out.labels_mapped = labels_mapped;
    for (int64_t p : positions) {
        if (p < 0 || p >= size())
            throw ValueError("take: position " + std::to_string(p) + " out of range for " +
                             std::to_string(size()) + " rows");
        const auto i = static_cast<size_t>(p);
        out.index.push_back(index[i]);
        out.label.push_back(label[i]);
        out.text.push_back(text[i]);
    }
    return out;
}

SpamFrame SpamFrame::where_label(const std::string& wanted) const {
    std::vector<int64_t> rows;
    for (int64_t i = 0; i < size(); ++i)
        if (label[static_cast<size_t>(i)] == wanted) rows.push_back(i);
    return take(rows);
}

SpamFrame read_sms_spam_collection(const std::filesystem::path& path) {
    return parse_sms_spam_collection(read_file(path), path.string());
}

SpamFrame read_split_csv(const std::filesystem::path& path) {
    return parse_split_csv(read_file(path), path.string());
}

SpamFrame create_balanced_dataset(const SpamFrame& df) {
    const SpamFrame spam = df.where_label("spam");
    const SpamFrame ham_all = df.where_label("ham");
    const int64_t num_spam = spam.size();
    // df[df["Label"] == "ham"].sample(num_spam, random_state=123)
    const SpamFrame ham = ham_all.take(RandomState(123).choice(ham_all.size(), num_spam));
    SpamFrame balanced = ham;  // pd.concat([ham_subset, df[df["Label"] == "spam"]])
    for (int64_t i = 0; i < spam.size(); ++i) {
        const auto k = static_cast<size_t>(i);
        balanced.index.push_back(spam.index[k]);
        balanced.label.push_back(spam.label[k]);
        balanced.text.push_back(spam.text[k]);
    }
    return balanced;
}

void map_labels(SpamFrame& df) {
    static const std::map<std::string, std::string> ids{{"ham", "0"}, {"spam", "1"}};
    for (auto& l : df.label) {
        const auto it = ids.find(l);
        if (it == ids.end())
            throw ValueError("map_labels: label '" + l + "' is neither ham nor spam");
        l = it->second;
    }
    df.labels_mapped = true;
}

SpamSplit random_split(const SpamFrame& df, double train_frac, double validation_frac) {
    if (!(train_frac >= 0 && validation_frac >= 0 && train_frac + validation_frac <= 1))
        throw ValueError("random_split: fractions must be >= 0 and sum to at most 1");
    // df.sample(frac=1, random_state=123).reset_index(drop=True)
    SpamFrame shuffled = df.take(RandomState(123).permutation(df.size()));
    const auto n = static_cast<double>(df.size());
    const auto train_end = static_cast<int64_t>(n * train_frac);
    const int64_t validation_end = train_end + static_cast<int64_t>(n * validation_frac);
    auto rows = [&](int64_t from, int64_t to) {
        std::vector<int64_t> p;
        for (int64_t i = from; i < to; ++i) p.push_back(i);
        SpamFrame part = shuffled.take(p);
        for (int64_t i = 0; i < part.size(); ++i) part.index[static_cast<size_t>(i)] = i;
        return part;
    };
    return {rows(0, train_end), rows(train_end, validation_end),
            rows(validation_end, shuffled.size())};
}

namespace {
// Python's csv module, QUOTE_MINIMAL: quoted when the field holds the
// delimiter, the quote character or a line break; quotes inside doubled.
std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}
}  // namespace

std::string to_csv(const SpamFrame& df) {
    std::string out = "Label,Text\n";
    for (int64_t i = 0; i < df.size(); ++i)
        out += csv_field(df.label[static_cast<size_t>(i)]) + "," +
            csv_field(df.text[static_cast<size_t>(i)]) + "\n";
    return out;
}

void write_csv(const SpamFrame& df, const std::filesystem::path& path) {
    write_file_atomic(path, to_csv(df));
}

// ---- printing as pandas ---------------------------------------------------------

namespace {

int64_t columns_of(const std::string& s) {  // code points, as Python's len()
    int64_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string first_columns(const std::string& s, int64_t k) {
    size_t i = 0;
    for (int64_t seen = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == k) break;
    }
    return s.substr(0, i);
}

std::string pad_left(const std::string& s, int64_t width) {
    return std::string(static_cast<size_t>(std::max<int64_t>(0, width - columns_of(s))), ' ') + s;
}
std::string pad_right(const std::string& s, int64_t width) {
    return s + std::string(static_cast<size_t>(std::max<int64_t>(0, width - columns_of(s))), ' ');
}

}  // namespace

std::string frame_repr(const SpamFrame& df) {
    // pandas shows the first and last 5 rows of a frame over 60 rows; string
    // cells carry a leading space and are cut to 50 columns with "...".
    std::vector<int64_t> shown;
    const bool cut = df.size() > 60;
    for (int64_t i = 0; i < df.size(); ++i)
        if (!cut || i < 5 || i >= df.size() - 5) shown.push_back(i);
    std::vector<std::string> idx, lab, txt;
    for (size_t k = 0; k < shown.size(); ++k) {
        const auto i = static_cast<size_t>(shown[k]);
        idx.push_back(std::to_string(df.index[i]));
        lab.push_back(df.labels_mapped ? df.label[i] : " " + df.label[i]);
        std::string t = " " + df.text[i];
        if (columns_of(t) > 50) t = first_columns(t, 47) + "...";
        txt.push_back(t);
        if (cut && k == 4) {
            idx.emplace_back("...");
            lab.emplace_back("...");
            txt.emplace_back("...");
        }
    }
    auto width = [](const std::vector<std::string>& v, const std::string& head) {
        int64_t w = columns_of(head);
        for (const auto& s : v) w = std::max(w, columns_of(s));
        return w;
    };
    // (a RangeIndex prints at its widest label; the sampled, non-range index
    // of the balanced frame one column wider, as the book's output shows)
    bool range = true;
    for (int64_t i = 0; i < df.size() && range; ++i) range = df.index[static_cast<size_t>(i)] == i;
    const int64_t wi = width(idx, "") + (range ? 0 : 1), wl = width(lab, "Label"),
                  wt = width(txt, "Text");
    std::string out =
        pad_right("", wi) + " " + pad_left("Label", wl) + " " + pad_left("Text", wt) + "\n";
    for (size_t k = 0; k < idx.size(); ++k)
        out +=
            pad_right(idx[k], wi) + " " + pad_left(lab[k], wl) + " " + pad_left(txt[k], wt) + "\n";
    if (cut) out += "\n[" + std::to_string(df.size()) + " rows x 2 columns]\n";
    return out;
}

std::string value_counts_repr(const SpamFrame& df) {
    // sorted by count, largest first (ties in order of first appearance)
    std::vector<std::pair<std::string, int64_t>> counts;
    for (const auto& l : df.label) {
        auto it =
            std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == l; });
        if (it == counts.end())
            counts.emplace_back(l, 1);
        else
            ++it->second;
    }
    std::stable_sort(counts.begin(), counts.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    int64_t wl = 0, wc = 0;
    for (const auto& [l, c] : counts) {
        wl = std::max(wl, columns_of(l));
        wc = std::max(wc, columns_of(std::to_string(c)));
    }
    std::string out = "Label\n";
    for (const auto& [l, c] : counts)
        out += pad_right(l, wl) + "    " + pad_left(std::to_string(c), wc) + "\n";
    return out + "Name: count, dtype: int64\n";
}

}  // namespace llm::ch06
