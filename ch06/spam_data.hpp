// Section 6.2, preparing the dataset: the SMS Spam Collection read as the
// book's pandas call reads it, balanced, labelled 0/1, split 70/10/20 and
// written as the book's train.csv, validation.csv and test.csv.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace llm::ch06 {

// The book's DataFrame with columns Label and Text: each row keeps its index
// label (the row number in the file as pandas reads it) through sample and
// take, as pandas does.
struct SpamFrame {
    std::vector<int64_t> index;
    std::vector<std::string> label;  // "ham" / "spam"; "0" / "1" after map_labels
    std::vector<std::string> text;
    bool labels_mapped = false;
    int64_t size() const { return static_cast<int64_t>(index.size()); }
    // df.take(positions): the rows at those positions, in that order.
    SpamFrame take(const std::vector<int64_t>& positions) const;
    // df[df.Label == label]
    SpamFrame where_label(const std::string& label) const;
};

// pd.read_csv(path, sep="\t", header=None, names=["Label", "Text"]), with
// pandas' quoting: a field that begins with '"' runs, tabs and newlines
// included, to the next '"' (a doubled one stands for one), and what follows
// up to the tab or line end is appended (data/sms-spam-collection/README.md
// explains why this gives 5,572 rows, not 5,574). Blank lines are skipped.
// Errors name the file and line: not UTF-8, a line without exactly two
// fields, a label other than ham or spam, a quote that never closes, no rows.
SpamFrame read_sms_spam_collection(const std::filesystem::path& path);
// The same on the file's bytes (spam_tsv.cpp); `where` names them in errors.
SpamFrame parse_sms_spam_collection(const std::string& bytes, const std::string& where);

// pd.read_csv(csv_file) of a file write_csv wrote: the header Label,Text,
// then label 0 or 1 and the text per row; errors name the file and line.
SpamFrame read_split_csv(const std::filesystem::path& path);
SpamFrame parse_split_csv(const std::string& bytes, const std::string& where);

// Listing 6.2: all spam messages and as many ham ones, drawn as
// df[df.Label == "ham"].sample(num_spam, random_state=123); ham first.
SpamFrame create_balanced_dataset(const SpamFrame& df);

// balanced_df["Label"].map({"ham": 0, "spam": 1})
void map_labels(SpamFrame& df);

// Listing 6.3: df.sample(frac=1, random_state=123), then the first
// int(n * train_frac) rows for training, the next int(n * validation_frac)
// for validation, the rest for testing (indices renumbered from 0).
struct SpamSplit {
    SpamFrame train, validation, test;
};
SpamSplit random_split(const SpamFrame& df, double train_frac, double validation_frac);

// df.to_csv(path, index=None): header Label,Text, QUOTE_MINIMAL quoting, LF
// line ends, written atomically (no half file on failure).
std::string to_csv(const SpamFrame& df);
void write_csv(const SpamFrame& df, const std::filesystem::path& path);

// What pandas prints: the frame (first and last 5 rows, texts cut to 50
// columns) and df["Label"].value_counts().
std::string frame_repr(const SpamFrame& df);
std::string value_counts_repr(const SpamFrame& df);

}  // namespace llm::ch06
