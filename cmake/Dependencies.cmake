# Third-party libraries, all from Debian packages (see docs/dependencies.md and
# cmake/install-deps.sh). Nothing is downloaded at build time.
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)  # nlohmann-json3-dev: snapshots (lab 4)
find_package(CLI11 2.1 REQUIRED)          # libcli11-dev: command-line flags of every lab

# libasio-dev ships standalone Asio as headers only, without a CMake package.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(asio INTERFACE)
add_library(asio::asio ALIAS asio)
target_include_directories(asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
# Asio 1.22 decides whether to use std::aligned_alloc from a libstdc++ macro
# (_GLIBCXX_HAVE_ALIGNED_ALLOC) that is only defined once a standard header has been included, so
# a file that includes Asio first allocates its handler memory with operator new and one that
# includes <cstddef> first frees it with std::free: an ODR violation that ASan reports as
# alloc-dealloc-mismatch once the functions are inlined. Deciding it here makes every file agree.
target_compile_definitions(asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED
                                          ASIO_DISABLE_STD_ALIGNED_ALLOC)
target_link_libraries(asio INTERFACE Threads::Threads)

if(COURSE_BUILD_TESTS)
  find_package(GTest REQUIRED)  # libgtest-dev
  include(GoogleTest)
endif()
