// Errors that reach the reader. Each names what was wrong and where
// (file, tensor, token, byte offset), so a message alone says what to fix.
#pragma once
#include <stdexcept>
#include <string>

namespace llm {

// Base of every error the project throws on bad input.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// A file is missing, unreadable or cannot be written.
struct FileError : Error {
    using Error::Error;
};
// A file's content is malformed (JSON, safetensors, vocab, ids, UTF-8).
struct FormatError : Error {
    using Error::Error;
};
// Tensor shapes or dtypes that do not fit together.
struct ShapeError : Error {
    using Error::Error;
};
// A value out of its allowed range (configuration, flags, token ids, empty text).
struct ValueError : Error {
    using Error::Error;
};

}  // namespace llm
