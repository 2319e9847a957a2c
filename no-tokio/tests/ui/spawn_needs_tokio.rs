use async_dsl::parallel;

fn main() {
    let _ = parallel!(spawn; async { 1 }, async { 2 });
}
