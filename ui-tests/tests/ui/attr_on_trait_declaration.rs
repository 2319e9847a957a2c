trait Partner {
    #[async_dsl::timeout("1s")]
    async fn call(&self) -> u32;
}

fn main() {}
