# Helpers that make each lab and each lab's test suite a one-line call.
#
#   add_lab(lab1_tcp SOURCES main.cpp)
#       builds the milestone program `lab1_tcp` from the lab's sources and the `common` library.
#
#   add_lab_tests(lab1 SOURCES ping_session_test.cpp ...)
#       builds the GoogleTest binary `lab1_tests`, registers every test with ctest and labels
#       them `lab1`, so `ctest -L lab1` runs that lab's suite alone.

function(add_lab name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE common CLI11::CLI11 course_warnings ${ARG_LIBRARIES})
  # Every milestone program lands in build/bin, where the docs and tests look for it.
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
endfunction()

function(add_lab_tests label)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES;NEEDS" ${ARGN})
  set(target ${label}_tests)
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE common test_support GTest::gtest GTest::gtest_main
                                          course_warnings ${ARG_LIBRARIES})
  # Black-box tests start the milestone programs; they find them in build/bin.
  target_compile_definitions(${target} PRIVATE COURSE_BIN_DIR="${PROJECT_BINARY_DIR}/bin")
  if(ARG_NEEDS)
    add_dependencies(${target} ${ARG_NEEDS})
  endif()
  gtest_discover_tests(${target} PROPERTIES LABELS ${label} TIMEOUT 60
                       DISCOVERY_TIMEOUT 30)
endfunction()
